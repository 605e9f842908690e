#!/usr/bin/env bash
# NatureCNN forward + backward (84x84x4, batch 32 and 256), vecrl against PyTorch, one thread each,
# alternating run by run so that both see the same machine load, and the ratio of their times.
# PyTorch runs with its AVX-512 BLAS kernels (env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=SkylakeX, as
# STYLE.md's measurements do) and torch.set_num_threads(1); vecrl with -Dvecrl.threads=1.
#
#   scripts/naturecnn-bench.sh [PAIRS] [ROUNDS]      (default 3 pairs per batch size, 20 timed steps each;
#                                                    vecrl warms up 15 s first: VECRL_WARMUP_SECONDS, PyTorch 3 s)
#
# Prints, per pair, the load average and both medians (and bests) in ms, and the ratio PyTorch time /
# vecrl time (above 1: vecrl is faster); then per batch size the median of the pairs' ratios, the
# number the README reports (target >= 1.0). Builds the bench jar first when it is missing or older
# than the sources. Needs python3 with torch (Debian's python3-torch at /usr/bin/python3).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pairs="${1:-3}"
rounds="${2:-20}"
# vecrl's warm-up: the JIT must finish compiling the Vector API kernels (C2) before the timed steps; on a
# loaded machine 3 s was not enough (batch 32: 79 ms median after 3 s, 42 ms after 20 s, at a load of 18)
warmup="${VECRL_WARMUP_SECONDS:-15}"
case "$pairs$rounds" in *[!0-9]*) echo "usage: scripts/naturecnn-bench.sh [PAIRS] [ROUNDS] (whole numbers)" >&2; exit 2 ;; esac
[ "$pairs" -ge 1 ] && [ "$rounds" -ge 1 ] || { echo "scripts/naturecnn-bench.sh: PAIRS and ROUNDS must be at least 1" >&2; exit 2; }

jar="$root/bench/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/tensor/src/main" "$root/autodiff/src/main" "$root/policy/src/main" "$root/bench/src/main" -newer "$jar" -name '*.java' -print -quit)" ]; then
  echo "building the bench jar (./mvnw -q -B -o -DskipTests -pl bench -am package) ..." >&2
  (cd "$root" && ./mvnw -q -B -o -DskipTests -pl bench -am package) >&2
fi
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
[ -x "$java" ] || { echo "scripts/naturecnn-bench.sh: no java at $java; set JAVA_HOME to a JDK 25" >&2; exit 1; }
python="${PYTHON:-/usr/bin/python3}"
"$python" -c 'import torch' 2>/dev/null || { echo "scripts/naturecnn-bench.sh: $python cannot import torch (apt-get install python3-torch, or set PYTHON)" >&2; exit 1; }

# the median field of "... median 12.34 ms, best 10.00 ms ..."
field() { sed -n "s/.* $1 \([0-9.]*\) ms.*/\1/p" <<<"$2"; }

for batch in 32 256; do
  ratios=()
  for ((i = 1; i <= pairs; i++)); do
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    v="$("$java" --add-modules jdk.incubator.vector -Dvecrl.threads=1 -cp "$jar" vecrl.bench.NatureCnnTiming "$batch" "$rounds" "$warmup" 2>/dev/null)"
    t="$(env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=SkylakeX OMP_NUM_THREADS=1 "$python" "$root/scripts/naturecnn_torch.py" "$batch" "$rounds")"
    vm="$(field median "$v")" tm="$(field median "$t")" vb="$(field best "$v")" tb="$(field best "$t")"
    if [ -z "$vm" ] || [ -z "$tm" ]; then
      echo "scripts/naturecnn-bench.sh: could not read the timings:" >&2; echo "$v" >&2; echo "$t" >&2; exit 1
    fi
    r="$(awk -v t="$tm" -v v="$vm" 'BEGIN { printf "%.2f", t / v }')"
    rb="$(awk -v t="$tb" -v v="$vb" 'BEGIN { printf "%.2f", t / v }')"
    ratios+=("$r")
    echo "batch $batch pair $i (load average $load): vecrl median $vm ms (best $vb), PyTorch median $tm ms (best $tb): PyTorch time / vecrl time $r (best $rb)"
    echo "  $v"
    echo "  $t"
  done
  median="$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }')"
  echo "batch $batch: PyTorch time / vecrl time, median of $pairs pairs: $median (target >= 1.0); load average now $(cut -d' ' -f1-3 /proc/loadavg)"
done
