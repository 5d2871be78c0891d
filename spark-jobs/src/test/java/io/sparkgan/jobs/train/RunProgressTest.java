package io.sparkgan.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.model.Json;
import org.junit.jupiter.api.Test;

/** The round's figures a progress line shows. */
class RunProgressTest {

    private static ObjectNode round(double dLoss, double dReal) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("kimg", 12.3);
        line.put("imagesPerSecond", 401.6);
        line.put("dLoss", dLoss);
        line.put("gLoss", 2.5);
        line.put("dReal", dReal);
        line.put("dFake", 0.25);
        return line;
    }

    @Test
    void aGanRoundShowsTheLossesAndDsOutputs() {
        assertEquals(
                "12.3/160.0 kimg, 402 images/s, D loss 0.500, G loss 2.500, D(x) 0.75, D(G(z)) 0.25",
                RunProgress.describe(round(0.5, 0.75), 160));
    }

    @Test
    void aSuperResolutionRoundShowsItsPixelLossAndOnlyThatWhileDDoesNotTrain() {
        ObjectNode adversarial = round(0.5, 0.75).put("pixelLoss", 0.01234);
        assertEquals(
                "12.3/20.0 kimg, 402 images/s, D loss 0.500, G loss 2.500, D(x) 0.75, D(G(z)) 0.25, pixel loss 0.0123",
                RunProgress.describe(adversarial, 20));
        ObjectNode contentOnly = round(0, 0).put("pixelLoss", 0.01234);
        assertEquals(
                "12.3/20.0 kimg, 402 images/s, pixel loss 0.0123 (content loss only)",
                RunProgress.describe(contentOnly, 20));
    }
}
