#!/usr/bin/env bash
# Alternating A/B of the libgomp spin count on fp32 Trainer steps (one JVM per setting and round).
cd "$(dirname "$0")/../.."
for round in 1 2; do
  for spin in default 10000 3000; do
    if [ $spin = default ]; then unset GOMP_SPINCOUNT; else export GOMP_SPINCOUNT=$spin; fi
    echo "=== round $round spin $spin $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)"
    ./t4j bench --sections train --train-configs fp32-grouped,fp32-random,bf16-grouped --rounds 1 --steps 8 --warmup-steps 2 --no-peak 2>&1 \
      | grep -E "^\| (fp32|bf16)-"
  done
done
