#!/usr/bin/env bash
# Regenerates the README's learning results: trains every row's 5 seeds and prints the rows as
# Markdown, the greedy evaluation (10 episodes) of each seed and how many seeds meet the target.
#
#   scripts/learning-results.sh                 every row (about an hour on 2 cores)
#   scripts/learning-results.sh cartpole-ppo    only the rows named (see ROWS below; the DQN rows,
#                                               cartpole-dqn and acrobot-dqn, take 10-30 min a seed on a busy machine)
#
# The off-policy rows (pendulum-sac, pendulum-td3, pendulum-ddpg, mountaincar-sac, cartpole-sac-discrete)
# take 3 to 10 minutes per seed on a quiet core; they run only when named.
#
# Runs go to runs/learning-results/ROW (VECRL_RESULTS_OUT overrides it); a row's old runs are removed
# first. Each run uses one env thread, as the README's numbers do; results are reproducible for a
# given backend and kernel thread count (same seed, same bits).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${VECRL_RESULTS_OUT:-$root/runs/learning-results}"

# row name; table label; train options; target (greedy mean return); seeds that must meet it
ROWS=(
  "cartpole-ppo;CartPole-v1 | PPO | (default);;475;4"
  "acrobot-ppo;Acrobot-v1 | PPO | \`--env Acrobot-v1\`;--env Acrobot-v1;-100;4"
  "pendulum-ppo;Pendulum-v1 | PPO | \`--env Pendulum-v1\`;--env Pendulum-v1;-250;3"
  "cartpole-a2c;CartPole-v1 | A2C | \`--algo a2c\`;--algo a2c;475;3"
  "novel-lstm;LSTM 64, shared (the preset);--env CartPoleNoVel-v1 --policy lstm;400;3"
  "novel-gru;GRU 64, shared (\`--policy gru\`, same preset values);--env CartPoleNoVel-v1 --policy gru;400;3"
  "novel-mlp;MLP 64-64, same preset;--env CartPoleNoVel-v1 --policy mlp;400;0"
  "catch-a2c;Catch-v0 (pixels) | A2C, SeedCnnPolicy | \`--env Catch-v0 --algo a2c --policy SeedCnnPolicy\` (100 greedy episodes);--env Catch-v0 --algo a2c --policy SeedCnnPolicy --kernel-threads 1 --set evalEpisodes=100;0.9;5"
  "cartpole-dqn;CartPole-v1 | DQN | \`--algo dqn --kernel-threads 1\` (zoo preset);--algo dqn --kernel-threads 1;475;3"
  "acrobot-dqn;Acrobot-v1 | DQN | \`--algo dqn --env Acrobot-v1 --kernel-threads 1\` (zoo preset);--algo dqn --env Acrobot-v1 --kernel-threads 1;-100;3"
  "pendulum-sac;Pendulum-v1 | SAC | \`--algo sac --env Pendulum-v1\`;--algo sac --env Pendulum-v1 --kernel-threads 1;-200;4"
  "pendulum-td3;Pendulum-v1 | TD3 | \`--algo td3 --env Pendulum-v1\`;--algo td3 --env Pendulum-v1 --kernel-threads 1;-200;4"
  "pendulum-ddpg;Pendulum-v1 | DDPG | \`--algo ddpg --env Pendulum-v1\`;--algo ddpg --env Pendulum-v1 --kernel-threads 1;-250;3"
  "mountaincar-sac;MountainCarContinuous-v0 | SAC, gSDE | \`--algo sac --env MountainCarContinuous-v0\` (zoo preset);--algo sac --env MountainCarContinuous-v0 --kernel-threads 1;90;3"
  "cartpole-sac-discrete;CartPole-v1 | discrete SAC | \`--algo sac-discrete\`;--algo sac-discrete --kernel-threads 1;475;0"
)

wanted=("$@")
for spec in "${ROWS[@]}"; do
  IFS=';' read -r name label opts target need <<<"$spec"
  if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
  if [ ${#wanted[@]} -eq 0 ] && [[ "$opts" == *"--algo sac"* || "$opts" == *"--algo td3"* || "$opts" == *"--algo ddpg"* ]]; then continue; fi
  rm -rf "$out/$name"
  values=()
  met=0
  steps=""
  for seed in 1 2 3 4 5; do
    # shellcheck disable=SC2086
    log="$("$root/vecrl" train $opts --seed "$seed" --env-threads 1 --quiet --out "$out/$name" 2>/dev/null)"
    mean="$(sed -n 's/^greedy evaluation: \([-0-9.]*\) +-.*/\1/p' <<<"$log")"
    steps="$(sed -n 's/^trained \([0-9,]*\) steps.*/\1/p' <<<"$log")"
    if [ -z "$mean" ]; then echo "scripts/learning-results.sh: $name seed $seed: no greedy evaluation in the output:" >&2; echo "$log" >&2; exit 1; fi
    values+=("$(printf '%.1f' "$mean" | sed 's/^-/−/')")
    if awk -v m="$mean" -v t="$target" 'BEGIN { exit !(m >= t) }'; then met=$((met + 1)); fi
  done
  row="| $label | $steps | ${values[0]} | ${values[1]} | ${values[2]} | ${values[3]} | ${values[4]} | ≥ $target: $met/5 (need $need) |"
  case "$name" in novel-*) row="| $label | ${values[0]} | ${values[1]} | ${values[2]} | ${values[3]} | ${values[4]} | ≥ $target: $met/5 |" ;; esac
  echo "$row"
done
