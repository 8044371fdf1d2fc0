package io.weir.capture.split;

import java.io.IOException;

/**
 * A {@code weir index} sidecar does not describe its capture any more (the capture was rewritten or appended
 * to), or is not a sidecar at all. {@link SplitMode#AUTO} then splits heuristically; {@link SplitMode#INDEX}
 * fails with this message.
 */
public class StaleIndexException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message names the sidecar, the capture and what differs */
    public StaleIndexException(String message) {
        super(message);
    }
}
