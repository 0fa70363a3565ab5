package io.spikestream.snn.inference;

import io.spikestream.snn.BnntModel;

/**
 * The event-driven engine (default for serving). Spikes are binary and sparse, so each layer only
 * does work for its active inputs (a spike, a pooled spike fraction, a frame count of any size), listed
 * in ascending (row, column, channel) order:
 *
 * <ul>
 *   <li>conv, many inputs: for each output position, the active inputs of its 3×3 window are listed
 *       in that order and their weight vectors (all output channels) added to one pre-activation
 *       vector, four per pass ({@link VectorOps#addWeighted}); few inputs (under {@code scatterBelow}
 *       contributions per output on average): each input scatters its nine weight vectors into
 *       per-position vectors instead, copied into the rows afterwards;
 *   <li>fully connected: the weight rows of the active inputs, four per pass;
 *   <li>then per output row one pass applies the leak, BN folded into a scale and shift per channel and
 *       step (repeated over the row), the threshold and the reset, branch-free, writing the row's
 *       spikes as 0/1 floats; they are listed only where the next layer wants a list;
 *   <li>pooling of a conv layer reads its spike rows with the reference's expression and lists the
 *       non-zero pooled values; other pooling adds each input's quarter to the pooled index looked up
 *       in a table.
 * </ul>
 *
 * <p>Vectors are whole arrays indexed alike ({@code a[o] += v·w[o]}, weights as one array per (input
 * channel, tap) or per input): the loop shape HotSpot's C2 vectorizes; offset-shifted array pairs it
 * does not (it cannot rule out that they alias), hence per-position vectors copied into rows, the
 * four-at-a-time passes and the row-long neuron pass.
 *
 * <p>Every pre-activation receives its contributions in the canonical order of {@link
 * DenseReferenceEngine} (gather and scatter alike, and {@code add4} is the same four additions in the
 * same order); skipped zero inputs would have added nothing, and the neuron update is the same
 * arithmetic. The two engines therefore agree bit for bit.
 *
 * <p>The work is split by job: {@link SparseWeights} (the parameters laid out once, shared by all
 * sessions), {@link SparseSession} (one episode's state and the layer loop), {@link SparseConv},
 * {@link SparsePool} and {@link SpikingRows} (one layer's step each) and {@link VectorOps} (the
 * canonical-order vector additions).
 */
public final class SparseEngine implements InferenceEngine {
    /**
     * Below about four contributions per output position a conv layer's gather would not fill even one
     * four-way pass per position, and scattering each input's nine weight vectors is cheaper.
     */
    static final int DEFAULT_SCATTER_BELOW = 4;

    private final BnntModel model;
    private final FoldedNetwork net;
    private final SparseWeights weights;
    private final int scatterBelow;

    public SparseEngine(BnntModel model) {
        this(model, DEFAULT_SCATTER_BELOW);
    }

    /**
     * {@code scatterBelow}: a conv layer scatters its active inputs when they make fewer than this many
     * contributions per output position on average, else it gathers (0: always gather; huge: always
     * scatter). Both give the same bits; tests force each.
     */
    SparseEngine(BnntModel model, int scatterBelow) {
        this.model = model;
        this.net = new FoldedNetwork(model);
        this.weights = new SparseWeights(model, net);
        this.scatterBelow = scatterBelow;
    }

    @Override
    public BnntModel model() {
        return model;
    }

    @Override
    public InspectableSession newSession() {
        return new SparseSession(net, weights, scatterBelow);
    }
}
