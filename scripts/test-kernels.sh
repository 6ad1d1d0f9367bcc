#!/usr/bin/env bash
# Runs the numeric tests under each OpenBLAS kernel path and intra-op thread count, and prints, per test and
# quantity, the worst difference seen across the settings, its tolerance and the margin (tolerance / worst).
#
#   scripts/test-kernels.sh                  the numeric tests (every test class using io.t4j.models.testing.Parity),
#                                            9 settings (listed below), report-only (see below), then the table
#   scripts/test-kernels.sh --verify         the whole `./mvnw verify` per setting instead, assertions on
#   scripts/test-kernels.sh SETTING...       only these settings, e.g. OPENBLAS_CORETYPE=Haswell T4J_NUM_THREADS=1
#                                            ("unset" = OPENBLAS_CORETYPE removed, default threads); a setting may
#                                            join several variables with commas: OPENBLAS_CORETYPE=Haswell,T4J_NUM_THREADS=1
#   scripts/test-kernels.sh --table DIR      only print the table of an earlier run's DIR/parity.tsv
#
# The tests print one line per check (Parity.java): "[parity] Class#method | quantity | item | metric value |
# tol t | margin m". In the default mode the script passes -Dt4j.parity.reportOnly=true, so a check over its
# tolerance is reported instead of stopping its test, and every quantity shows up in the table; the script then
# fails if any check exceeded its tolerance. Tests never set OPENBLAS_CORETYPE themselves: only this script does, in
# the environment of the Maven process (surefire's forked JVMs inherit it).
# Logs and the collected lines go to target/test-kernels/ (parity.tsv: setting, test, quantity, item, metric,
# value, tol). The settings run one after another, never two Maven builds at once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

OUT="$ROOT/target/test-kernels"
VERIFY=false
SETTINGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --verify) VERIFY=true ;;
    --table) TABLE_ONLY="${2:?--table needs a directory}"; shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    unset|*=*) SETTINGS+=("$1") ;;
    *) echo "test-kernels: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ ${#SETTINGS[@]} -eq 0 ]; then
  # the 7 of issue 14, then an AVX2-only machine (OpenBLAS, libtorch's own kernels and oneDNN all limited to AVX2)
  # and more intra-op threads than this machine may have cores (other reduction splits)
  SETTINGS=(unset OPENBLAS_CORETYPE=Haswell OPENBLAS_CORETYPE=SkylakeX OPENBLAS_CORETYPE=Zen
            OPENBLAS_CORETYPE=Sandybridge T4J_NUM_THREADS=1 T4J_NUM_THREADS=2
            OPENBLAS_CORETYPE=Haswell,ATEN_CPU_CAPABILITY=avx2,ONEDNN_MAX_CPU_ISA=AVX2 T4J_NUM_THREADS=4)
fi

# The table: per (test, quantity, metric) the largest value over settings and items, where it was seen, the
# tolerance and the smallest tol/value margin. Lines over their tolerance are counted and marked.
print_table() {
  local tsv="$1"
  awk -F'\t' '
    function fmt(x) { return sprintf("%.2e", x) }
    {
      key = $2 "\t" $3 "\t" $5; v = $6 + 0; t = $7 + 0
      if (!(key in worst)) { order[++n] = key; worst[key] = -1; minMargin[key] = -1 }
      if (v > worst[key]) { worst[key] = v; where[key] = $1 (($4 == "-") ? "" : " " $4) }
      m = (v == 0) ? (t == 0 ? -2 : 1e300) : t / v
      if (minMargin[key] == -1 || (m != -2 && (minMargin[key] == -2 || m < minMargin[key]))) { minMargin[key] = m; tolOf[key] = t }
      if (v > t || v != v) { over[key]++; overall++ }
      settings[$1] = 1
    }
    END {
      ns = 0; for (s in settings) ns++
      printf "%-58s  %-52s  %-8s  %9s  %8s  %8s  %s\n", "test", "quantity", "metric", "worst", "tol", "margin", "worst at (setting item)"
      for (i = 1; i <= n; i++) {
        k = order[i]; split(k, f, "\t")
        m = minMargin[k]
        ms = (m == -2) ? "exact" : (m >= 1e300) ? "inf" : sprintf("%.1fx", m)
        flag = (k in over) ? "  OVER TOLERANCE in " over[k] " line(s)" : ""
        printf "%-58s  %-52s  %-8s  %9s  %8s  %8s  %s%s\n", substr(f[1], 1, 58), substr(f[2], 1, 52), f[3],
               fmt(worst[k]), fmt(tolOf[k]), ms, where[k], flag
      }
      printf "\n%d quantities, %d settings, %d check line(s) over tolerance\n", n, ns, overall + 0
      exit (overall > 0)
    }' "$tsv"
}

if [ -n "${TABLE_ONLY:-}" ]; then
  print_table "$TABLE_ONLY/parity.tsv"
  exit $?
fi

rm -rf "$OUT"
mkdir -p "$OUT"
: > "$OUT/parity.tsv"

# The numeric tests: every test class that reports through Parity (directly or through DecoderParity).
TESTS=$(grep -rlE '\b(Parity|DecoderParity)\.' --include='*Test.java' t4j-*/src/test/java | xargs -n1 basename | sed 's/\.java$//' | sort -u | paste -sd, -)
MODULES=$(grep -rlE '\b(Parity|DecoderParity)\.' --include='*Test.java' t4j-*/src/test/java | cut -d/ -f1 | sort -u | paste -sd, -)

status=0
for setting in "${SETTINGS[@]}"; do
  name="${setting//,/_}"
  envargs=(-u OPENBLAS_CORETYPE -u T4J_NUM_THREADS -u ATEN_CPU_CAPABILITY -u ONEDNN_MAX_CPU_ISA)
  if [ "$setting" != unset ]; then
    IFS=',' read -ra vars <<< "$setting"
    envargs+=("${vars[@]}")
  fi
  log="$OUT/$name.log"
  if $VERIFY; then
    cmd=(./mvnw verify)
  else
    cmd=(./mvnw -pl "$MODULES" -am test "-Dtest=$TESTS" -Dsurefire.failIfNoSpecifiedTests=false
         -Dmaven.test.failure.ignore=true -Dt4j.parity.reportOnly=true)
  fi
  echo "== $setting: env ${envargs[*]} ${cmd[*]}" >&2
  start=$(date +%s)
  if env "${envargs[@]}" "${cmd[@]}" > "$log" 2>&1; then result=ok; else result="FAILED (exit $?)"; status=1; fi
  summary=$(grep -E '^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures' "$log" | grep -v ' in ' \
    | awk -F'[ ,]+' '{r += $4; f += $6; e += $8; s += $10} END {printf "%d tests, %d failures, %d errors, %d skipped", r, f, e, s}')
  echo "   $result in $(( $(date +%s) - start ))s: $summary; log $log" >&2
  grep -E '^(\[(INFO|ERROR)\] +)?\[ERROR\]|FAILURE!|Tests in error|Failures:' "$log" | head -20 >&2 || true
  grep -F '[parity] ' "$log" | sed 's/^.*\[parity\] //' | awk -v s="$name" -F' [|] ' '{
      split($4, mv, " "); split($5, tv, " ")
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s, $1, $2, $3, mv[1], mv[2], tv[2] }' >> "$OUT/parity.tsv"
done

echo
print_table "$OUT/parity.tsv" | tee "$OUT/table.txt" || status=1
exit $status
