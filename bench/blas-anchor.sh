#!/usr/bin/env bash
# vecrl's matrix multiply against OpenBLAS's SGEMM with its AVX-512 kernels, alternating in one
# process (vecrl.bench.BlasAnchor; see its comment). Needs Debian's libopenblas0 (apt-get install
# libopenblas-dev) and a built bench/target/benchmarks.jar (./mvnw -B -DskipTests package).
#   bench/blas-anchor.sh                          the default shapes, one thread
#   bench/blas-anchor.sh --threads 2 512x512x512 1024x1024x1024
#   bench/blas-anchor.sh 2048x64x2:ABt 64x2048x4:AtB --rounds 21
# OPENBLAS_CORETYPE defaults to SkylakeX (AVX-512; the environment's Haswell is AVX2 only); set
# BLAS_CORETYPE to choose another. OPENBLAS_L2_SIZE is unset so that OpenBLAS reads the cache size.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/bench/target/benchmarks.jar"
if [ ! -f "$jar" ]; then
  echo "blas-anchor: $jar is missing; run ./mvnw -B -DskipTests package first" >&2
  exit 1
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [ -z "${JAVA_HOME:-}" ]; then
  for cand in /usr/lib/jvm/*25*; do [ -x "$cand/bin/java" ] && java="$cand/bin/java" && break; done
fi
exec env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="${BLAS_CORETYPE:-SkylakeX}" "$java" --add-modules jdk.incubator.vector \
  --enable-native-access=ALL-UNNAMED -Dvecrl.threads=1 -cp "$jar" vecrl.bench.BlasAnchor "$@" 2> >(grep -v 'WARNING: Using incubator modules' >&2)
