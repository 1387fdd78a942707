package conduit.backup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a verification found: one summary line per check, the faults (each naming its check,
 * table, row key and what is wrong), notes that are worth knowing but not inconsistent, and the
 * row count and content checksum of every table.
 *
 * <p>Memory stays bounded whatever the database holds: at most {@code maxListed} faults are kept
 * per check; beyond that they are only counted.
 */
public final class Report {
    /** One inconsistency. {@code key} names the row (e.g. {@code id=42}), or is empty for a whole table. */
    public record Fault(String check, String table, String key, String what) {
    }

    /** A check's one-line outcome, and the time it took. */
    public record Check(String name, boolean ok, String summary, double seconds) {
    }

    /** Rows and the SHA-256 of their canonical content in primary-key order. */
    public record Table(long rows, String sha256) {
    }

    private final int maxListed;
    private final List<Check> checks = new ArrayList<>();
    private final List<Fault> faults = new ArrayList<>();
    private final Map<String, Long> faultsPerCheck = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Table> tables = new LinkedHashMap<>();

    public Report(int maxListed) {
        this.maxListed = maxListed;
    }

    void fault(String check, String table, String key, String what) {
        long n = faultsPerCheck.merge(check, 1L, Long::sum);
        if (n <= maxListed) {
            faults.add(new Fault(check, table, key, what));
        }
    }

    void note(String note) {
        notes.add(note);
    }

    /** @param nanos the time the check took, in nanoseconds */
    void check(String name, String summary, long nanos) {
        checks.add(new Check(name, faults(name) == 0, summary, Math.round(nanos / 1e6) / 1e3));
    }

    void table(String name, long rows, String sha256) {
        tables.put(name, new Table(rows, sha256));
    }

    /** Faults found by one check, listed or not. */
    public long faults(String check) {
        return faultsPerCheck.getOrDefault(check, 0L);
    }

    public long faultCount() {
        return faultsPerCheck.values().stream().mapToLong(Long::longValue).sum();
    }

    public boolean consistent() {
        return faultCount() == 0;
    }

    public List<Check> checks() {
        return List.copyOf(checks);
    }

    public List<Fault> listedFaults() {
        return List.copyOf(faults);
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    public Map<String, Table> tables() {
        return Map.copyOf(tables);
    }

    /** Tables in the order they were checked. */
    List<Map.Entry<String, Table>> tablesInOrder() {
        return List.copyOf(tables.entrySet());
    }
}
