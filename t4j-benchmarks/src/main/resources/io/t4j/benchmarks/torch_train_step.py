# The reference of `t4j bench --sections train --torch-reference PYTHON`, not part of t4j: HF's training step in
# PyTorch eager, on the batches t4j's Trainer trains on in that section. The bench writes the token counts and runs
#
#   PYTHON torch_train_step.py --lengths FILE --seed 42 [--configs fp32-random,...] [--optim adamw_torch_fused] --json
#
# once per round (seed 42 + round) and OpenMP wait policy; it can also be run alone (a markdown table without --json).
# transformers cannot be installed on the machines this project runs on (no PyPI), so this is HF's code path written
# out with torch alone, as transformers runs it:
# - model: BertForSequenceClassification (modeling_bert.py) with attn_implementation="sdpa" (the default):
#   embeddings (word + position + token type, LayerNorm, dropout), 12 layers of SDPA self-attention with the 4D
#   additive padding mask of _prepare_4d_attention_mask_for_sdpa (None without padding) and dropout_p=0.1 in training,
#   output dense + dropout + LayerNorm, intermediate dense + GELU (erf), output dense + dropout + LayerNorm; pooler
#   (dense + tanh on [CLS]), dropout, classifier, cross-entropy. bge-small's shape (vocab 30522, hidden 384, 12 heads,
#   intermediate 1536), random weights (speed does not depend on them).
# - step: Trainer.training_step and the loop around it: model.train(), forward under torch.autocast("cpu", bfloat16)
#   when bf16, loss.backward(), clip_grad_norm_(max_norm=1.0), optimizer.step(), lr_scheduler.step(),
#   model.zero_grad() (set_to_none). Optimizer as create_optimizer builds it: AdamW (lr 2e-5, betas 0.9/0.999,
#   eps 1e-8), two groups (no decay for biases and LayerNorm weights; weight_decay 0.0, TrainingArguments' default),
#   linear schedule without warm-up. `--optim adamw_torch_fused` (torch's fused=True) is TrainingArguments' default
#   optim with torch >= 2.8 (training_args.py), `adamw_torch` the default before.
# - data: DataCollatorWithPadding (pad to the batch's longest), token_type_ids zeros, random token ids and labels
#   with the given token counts (the bench's tokenized SST-2 train, in order).
# - batches: those of t4j's Trainer in TrainerRunner (batch 32, data_seed = seed), by a port of t4j's samplers
#   (io.t4j.data.Seeded, Sampler.random, LengthGroupedSampler: HF's get_length_grouped_indices over t4j's seeded
#   permutation); warm-up steps, then timed steps.
# Timed per step: forward, backward, clip, optimizer and scheduler step, zero_grad (collation outside, as the
# DataLoader does it).
import argparse, json, os, statistics, time
import torch
import torch.nn as nn
import torch.nn.functional as F

MASK64 = (1 << 64) - 1


class Seeded:
    """io.t4j.data.Seeded: SplitMix64, bounded draws by rejection, Fisher-Yates from the last element."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next_long(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def next_int(self, bound):
        top = (1 << 63) - 1
        limit = top - (top % bound)
        while True:
            r = self.next_long() >> 1
            if r < limit:
                return r % bound

    @staticmethod
    def permutation(n, seed):
        p, rng = list(range(n)), Seeded(seed)
        for i in range(n - 1, 0, -1):
            j = rng.next_int(i + 1)
            p[i], p[j] = p[j], p[i]
        return p


def length_grouped(lengths, batch_size, seed):
    """io.t4j.data.LengthGroupedSampler.order(0)."""
    idx = Seeded.permutation(len(lengths), seed)
    size = max(1, min(len(lengths) // (batch_size * 4), 50)) * batch_size
    longest = 0
    for start in range(0, len(idx), size):
        idx[start:start + size] = sorted(idx[start:start + size], key=lambda i: -lengths[i])  # stable
        if lengths[idx[start]] > lengths[idx[longest]]:
            longest = start
    idx[0], idx[longest] = idx[longest], idx[0]
    return idx


C, H, I, L, VOCAB = 384, 12, 1536, 12, 30522


class SelfAttention(nn.Module):  # BertSdpaSelfAttention + BertSelfOutput
    def __init__(self):
        super().__init__()
        self.query, self.key, self.value, self.dense = (nn.Linear(C, C) for _ in range(4))
        self.norm, self.drop = nn.LayerNorm(C, eps=1e-12), nn.Dropout(0.1)

    def forward(self, x, mask):
        b, t, _ = x.shape
        heads = lambda y: y.view(b, t, H, C // H).transpose(1, 2)  # [B,T,C] -> [B,H,T,D]
        a = F.scaled_dot_product_attention(heads(self.query(x)), heads(self.key(x)), heads(self.value(x)),
                                           attn_mask=mask, dropout_p=0.1 if self.training else 0.0)
        a = a.transpose(1, 2).reshape(b, t, C)  # [B,H,T,D] -> [B,T,C]
        return self.norm(self.drop(self.dense(a)) + x)


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention = SelfAttention()
        self.intermediate, self.output = nn.Linear(C, I), nn.Linear(I, C)
        self.norm, self.drop = nn.LayerNorm(C, eps=1e-12), nn.Dropout(0.1)

    def forward(self, x, mask):
        x = self.attention(x, mask)
        return self.norm(self.drop(self.output(F.gelu(self.intermediate(x)))) + x)


class BertForSequenceClassification(nn.Module):
    def __init__(self):
        super().__init__()
        self.word, self.position, self.token_type = nn.Embedding(VOCAB, C), nn.Embedding(512, C), nn.Embedding(2, C)
        self.norm, self.drop = nn.LayerNorm(C, eps=1e-12), nn.Dropout(0.1)
        self.layers = nn.ModuleList(Layer() for _ in range(L))
        self.pooler, self.classifier = nn.Linear(C, C), nn.Linear(C, 2)

    def forward(self, input_ids, token_type_ids, attention_mask, labels):
        t = input_ids.shape[1]
        x = self.word(input_ids) + self.token_type(token_type_ids) + self.position(torch.arange(t).unsqueeze(0))
        x = self.drop(self.norm(x))
        mask = None  # _prepare_4d_attention_mask_for_sdpa: None when nothing is padded
        if not bool(attention_mask.all()):
            mask = (1.0 - attention_mask[:, None, None, :].to(x.dtype).expand(-1, 1, t, t)) * torch.finfo(x.dtype).min
        for layer in self.layers:
            x = layer(x, mask)
        logits = self.classifier(self.drop(torch.tanh(self.pooler(x[:, 0]))))
        return F.cross_entropy(logits.view(-1, 2), labels.view(-1))


def collate(rows, lengths, rng):
    t = max(lengths[r] for r in rows)
    ids = torch.zeros(len(rows), t, dtype=torch.long)
    am = torch.zeros(len(rows), t, dtype=torch.long)
    for i, r in enumerate(rows):
        n = lengths[r]
        ids[i, :n] = torch.randint(1000, 30000, (n,), generator=rng)
        am[i, :n] = 1
    labels = torch.randint(0, 2, (len(rows),), generator=rng)
    return dict(input_ids=ids, token_type_ids=torch.zeros_like(ids), attention_mask=am, labels=labels)


def optimizer_for(model, optim, steps):
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias") or ".norm." in n or n.startswith("norm.")]
    decay = [p for p in model.parameters() if all(p is not q for q in no_decay)]
    groups = [dict(params=decay, weight_decay=0.0), dict(params=no_decay, weight_decay=0.0)]
    opt = torch.optim.AdamW(groups, lr=2e-5, betas=(0.9, 0.999), eps=1e-8,
                            **({"fused": True} if optim == "adamw_torch_fused" else {}))
    return opt, torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, (steps - s) / steps))


def run(model, lengths, config, seed, optim, batch, warmup, timed):
    dtype, order = config.split("-")
    idx = length_grouped(lengths, batch, seed) if order == "grouped" else Seeded.permutation(len(lengths), seed)
    opt, sched = optimizer_for(model, optim, warmup + timed)
    rng = torch.Generator().manual_seed(seed)
    model.train()
    out = []
    for step in range(warmup + timed):
        rows = idx[step * batch:(step + 1) * batch]
        inputs = collate(rows, lengths, rng)
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=dtype == "bf16"):
            loss = model(**inputs)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        model.zero_grad()
        if step >= warmup:
            out.append((time.perf_counter() - t0, len(rows), sum(lengths[r] for r in rows), len(rows) * inputs["input_ids"].shape[1]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lengths", required=True, help="token counts of the training rows, one per line")
    ap.add_argument("--configs", default="fp32-random,fp32-grouped,bf16-random,bf16-grouped")
    ap.add_argument("--optim", default="adamw_torch_fused", choices=["adamw_torch", "adamw_torch_fused"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--warmup-steps", type=int, default=3)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--json", action="store_true", help="print every step as JSON instead of a table")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    lengths = [int(line) for line in open(a.lengths)]
    model = BertForSequenceClassification()
    configs = a.configs.split(",")
    steps = {c: run(model, lengths, c, a.seed, a.optim, a.batch_size, a.warmup_steps, a.steps) for c in configs}
    if a.json:
        print(json.dumps(dict(torch=torch.__version__, threads=a.threads, optim=a.optim,
                              omp_wait_policy=os.environ.get("OMP_WAIT_POLICY"),
                              steps={c: [dict(seconds=x[0], rows=x[1], real_tokens=x[2], padded_tokens=x[3]) for x in s]
                                     for c, s in steps.items()})))
        return
    print(f"torch {torch.__version__}, {a.threads} threads, optim {a.optim}, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}, GOMP_SPINCOUNT={os.environ.get('GOMP_SPINCOUNT')}")
    print("| config | median step ms | samples/s | real tokens/s | padded tokens/s |")
    print("| --- | --- | --- | --- | --- |")
    for c in configs:
        s = steps[c]
        total = sum(x[0] for x in s)
        print(f"| {c} | {statistics.median(x[0] for x in s) * 1e3:.1f} | {sum(x[1] for x in s) / total:.1f} | "
              f"{sum(x[2] for x in s) / total:,.0f} | {sum(x[3] for x in s) / total:,.0f} |")


if __name__ == "__main__":
    main()
