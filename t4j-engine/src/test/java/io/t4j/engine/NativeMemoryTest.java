package io.t4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeMemoryTest {
    @Test
    void releasesThroughTheAllocatorThisProcessRunsOn() {
        // surefire's JVM runs on glibc's malloc unless tcmalloc was preloaded into it; the choice follows the mapping
        String expected = NativeMemory.mappedTcmalloc().isPresent() ? "MallocExtension_ReleaseFreeMemory" : "malloc_trim";
        assertThat(NativeMemory.releaseFunction()).isEqualTo(expected);
        assertThat(NativeMemory.trim()).as("calling " + expected).isTrue();
    }
}
