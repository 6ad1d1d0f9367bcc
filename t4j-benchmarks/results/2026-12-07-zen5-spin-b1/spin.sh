#!/bin/bash
# Batch-1 latency against the OpenMP spin: the launcher's default (GOMP_SPINCOUNT=3000, PASSIVE), a 100x longer spin,
# and OMP_WAIT_POLICY=ACTIVE; ONNX Runtime (its own pool) runs in the same process as the control.
cd "$(dirname "$0")/../../.."
OUT=t4j-benchmarks/results/2026-12-07-zen5-spin-b1
for round in 1 2; do
  ./t4j bench --sections infer --no-peak --infer-reps 1 --latency-sentences 50 --classifier runs/demo \
      --json $OUT/default-$round.json > $OUT/default-$round.txt 2>&1
  GOMP_SPINCOUNT=300000 ./t4j bench --sections infer --no-peak --infer-reps 1 --latency-sentences 50 --classifier runs/demo \
      --json $OUT/spin300k-$round.json > $OUT/spin300k-$round.txt 2>&1
  OMP_WAIT_POLICY=ACTIVE GOMP_SPINCOUNT=infinite ./t4j bench --sections infer --no-peak --infer-reps 1 --latency-sentences 50 --classifier runs/demo \
      --json $OUT/active-$round.json > $OUT/active-$round.txt 2>&1
done
