package io.t4j.benchmarks;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/** What every section returns: a typed record written to the JSON report, printable as tables. */
public interface SectionResult {
    /** The tables to print for this result. */
    @JsonIgnore
    List<Table> tables();
}
