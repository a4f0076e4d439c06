package io.openaudience.worker.parse;

import java.io.Closeable;
import java.io.IOException;

/** A forward-only stream of the data rows of an import file, whatever its format and whatever a row holds. */
public interface RowSource<R> extends Closeable {

    /** The next data row, or null at the end of the file; throws {@link UnreadableFileException} if it cannot go on. */
    R next() throws IOException;
}
