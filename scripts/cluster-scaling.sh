#!/usr/bin/env bash
# The README's Scaling out measurements: worker JVMs on 127.0.0.1 (killed at the end), the learner here.
#   scripts/cluster-scaling.sh [MAX_WORKERS] [ITERATIONS]     (defaults 8 and 8)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/vecrl" --version >/dev/null   # builds the project when needed and finds a JDK 25
java="${JAVA_HOME:-}/bin/java"
[ -x "$java" ] || java="$(command -v java)"
for f in /usr/lib/jvm/*/bin/java; do
  if "$f" -version 2>&1 | grep -q 'version "2[5-9]'; then java="$f"; break; fi
done
cp="$(cat "$root/rl/target/vecrl-cli.classpath"):$(cat "$root/cluster/target/vecrl-cluster.classpath")"
exec "$java" --add-modules jdk.incubator.vector --sun-misc-unsafe-memory-access=allow -cp "$cp" vecrl.cluster.ScalingBench "$@"
