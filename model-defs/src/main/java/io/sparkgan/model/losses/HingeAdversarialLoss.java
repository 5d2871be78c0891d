package io.sparkgan.model.losses;

/**
 * The hinge GAN loss (Lim and Ye; Miyato et al.) as one DL4J loss function on D's output, so that D's output layer
 * serves both players as with the other losses. The label says which term applies:
 * <ul>
 *   <li>+1 (D on real images): max(0, 1 - D(x))</li>
 *   <li>-1 (D on generated images): max(0, 1 + D(G(z)))</li>
 *   <li>0 (G): -D(G(z))</li>
 * </ul>
 * D's output is linear (the activation is applied all the same, for generality). With several outputs (a
 * projection D) each is a term of its own and the mask picks the label's.
 */
public final class HingeAdversarialLoss extends PerOutputAdversarialLoss {

    private static final long serialVersionUID = 1L;

    @Override
    double term(double label, double y) {
        return label == 0 ? -y : Math.max(0, 1 - label * y);
    }

    @Override
    double derivative(double label, double y) {
        return label == 0 ? -1 : (1 - label * y > 0 ? -label : 0);
    }

    @Override
    public String name() {
        return "HingeAdversarialLoss";
    }
}
