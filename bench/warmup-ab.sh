#!/usr/bin/env bash
# Alternating A/B runs of `./vecrl bench-train` (the default 100,000-step PPO run, JIT warm-up
# included) under different JVM options, one process per run, to compare start-up and warm-up
# settings on a shared machine. Per run it prints the load average before it, the training time
# and the training thread's CPU time (bench-train's own figures), the whole process's wall, user
# and system time, and the run's final mean return (the same in every run: same seed, same bits).
#
#   bench/warmup-ab.sh ROUNDS LABEL=OPTS [LABEL=OPTS ...]
#   bench/warmup-ab.sh 5 g1=-XX:+UseG1GC serial=-XX:+UseSerialGC
#   BENCH_TRAIN_ARGS="--steps 300000 --skip 100000" bench/warmup-ab.sh 3 a= b=-XX:+UseSerialGC
#
# OPTS go to the JVM through VECRL_JAVA_OPTS (an empty OPTS: the launcher's defaults). Build first
# (./mvnw -B -DskipTests package): a run that finds the sources newer than the build rebuilds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -lt 2 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: bench/warmup-ab.sh ROUNDS LABEL=OPTS [LABEL=OPTS ...]" >&2
  exit 2
fi
rounds="$1"
shift
for cfg in "$@"; do
  case "$cfg" in *=*) ;; *) echo "warmup-ab: '$cfg' is not LABEL=OPTS" >&2; exit 2 ;; esac
done
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
for ((r = 1; r <= rounds; r++)); do
  for cfg in "$@"; do
    label="${cfg%%=*}"
    opts="${cfg#*=}"
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    TIMEFORMAT='%R %U %S'
    { time VECRL_JAVA_OPTS="$opts" "$root/vecrl" bench-train ${BENCH_TRAIN_ARGS:-} > "$tmp" 2>&1; } 2> "$tmp.time" || { cat "$tmp" >&2; exit 1; }
    read -r wall user sys < "$tmp.time"
    rm -f "$tmp.time"
    train="$(sed -n 's/.* steps in \([0-9.]*\) s.*/\1/p' "$tmp")"
    cpu="$(sed -n 's/.*training thread CPU time \([0-9.]*\) s.*/\1/p' "$tmp")"
    ret="$(sed -n 's/.*mean return at end \([0-9.-]*\)).*/\1/p' "$tmp")"
    after="$(sed -n 's/^after the first.* \([0-9,]*\) env steps\/s.*/\1/p' "$tmp")"
    printf '%-10s round %d  load %s  train %6s s  thread CPU %5s s  process: wall %6s s, user %6s s, sys %5s s  return %s%s\n' \
      "$label" "$r" "$load" "$train" "$cpu" "$wall" "$user" "$sys" "$ret" "${after:+  steady $after env steps/s}"
  done
done
