package io.sparkgan.data;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import io.sparkgan.data.ImageFolderListing.ImageFile;
import java.net.URI;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code --from spark-image}: the same folder layout as image-folder, decoded by Spark's own {@code image}
 * data source (spark-mllib). Its struct holds pixels in OpenCV order (B,G,R or B,G,R,A) with {@code mode} and
 * {@code nChannels}; {@link StagedImages} turns them into R,G,B or gray. That source has no header-only read,
 * so the size survey decodes the images once more than image-folder does.
 */
final class SparkImageSource implements ImageSource {

    private static final String FILE_PATH = "_path";

    private final String input;

    SparkImageSource(String input) {
        this.input = input;
    }

    @Override
    public PreparedImages prepare(SparkSession spark, PrepOptions options) {
        ImageFolderListing listing =
                ImageFolderListing.list(spark.sparkContext().hadoopConfiguration(), input, options);
        String[] paths = listing.files().stream().map(ImageFile::path).toArray(String[]::new);
        Dataset<Row> images;
        try {
            images = spark.read().format("image").option("dropInvalid", false).load(paths);
        } catch (Exception e) {
            // Scala throws these checked exceptions undeclared: the source is missing when spark-mllib is.
            if (e instanceof AnalysisException || e instanceof ClassNotFoundException) {
                throw new DatasetException(
                        "cannot use Spark's image data source (part of spark-mllib): " + e.getMessage(), e);
            }
            throw e;
        }

        // Ids and labels come from the listing. The image source reports each file as a URL-encoded URI whose
        // spelling differs from Hadoop's Path.toString() (file:///x against file:/x), so origins are parsed back.
        StructType fileSchema = new StructType()
                .add(FILE_PATH, DataTypes.StringType, false)
                .add(StagedImages.ID, DataTypes.LongType, false)
                .add(StagedImages.LABEL, DataTypes.IntegerType, true);
        List<Row> fileRows = listing.files().stream()
                .map(f -> RowFactory.create(f.path(), f.id(), f.label()))
                .toList();
        Dataset<Row> files = spark.createDataFrame(fileRows, fileSchema);
        UserDefinedFunction originToPath =
                udf((UDF1<String, String>) origin -> new Path(new URI(origin)).toString(), DataTypes.StringType);

        Dataset<Row> staged = images.join(
                        broadcast(files),
                        originToPath.apply(col("image.origin")).equalTo(col(FILE_PATH)))
                .select(
                        col("image.origin").as(StagedImages.REF),
                        col(StagedImages.ID),
                        col(StagedImages.LABEL),
                        col("image.data").as(StagedImages.DATA),
                        col("image.height").as(StagedImages.HEIGHT),
                        col("image.width").as(StagedImages.WIDTH),
                        col("image.nChannels").as(StagedImages.CHANNELS),
                        col("image.mode").as(StagedImages.MODE))
                .coalesce(ImageSource.partitionsFor(paths.length));
        StagedImages stagedImages = new StagedImages(staged, StagedImages.Layout.SPARK_IMAGE, options.maxPixels());
        ImageShape target = options.targetShape(stagedImages.survey());
        return new PreparedImages(stagedImages.decode(target), listing.labelNames(), "spark-image " + listing.root());
    }
}
