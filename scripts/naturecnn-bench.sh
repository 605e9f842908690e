#!/usr/bin/env bash
# NatureCNN forward + backward, vecrl against PyTorch, one thread each, alternating run by run so both
# see the same machine load; prints the load average before each pair. PyTorch runs with its AVX-512
# BLAS kernels (OPENBLAS_CORETYPE=SkylakeX, as STYLE.md's measurements do).
#
#   scripts/naturecnn-bench.sh [PAIRS] [ROUNDS]      (default 3 pairs per batch size, 20 timed steps each)
#
# Needs the bench jar (./mvnw -B -o -DskipTests package, or ./vecrl bench once) and python3 with torch.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pairs="${1:-3}"
rounds="${2:-20}"
jar="$root/bench/target/benchmarks.jar"
[ -f "$jar" ] || { echo "scripts/naturecnn-bench.sh: $jar is missing; run ./mvnw -B -o -DskipTests package" >&2; exit 1; }
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
for batch in 32 256; do
  for ((i = 1; i <= pairs; i++)); do
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$java" --add-modules jdk.incubator.vector -Dvecrl.threads=1 -cp "$jar" vecrl.bench.NatureCnnTiming "$batch" "$rounds" 2>/dev/null
    env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=SkylakeX OMP_NUM_THREADS=1 /usr/bin/python3 "$root/scripts/naturecnn_torch.py" "$batch" "$rounds"
  done
done
