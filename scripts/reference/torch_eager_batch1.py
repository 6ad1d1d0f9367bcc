# Reference measurement for BENCHMARKS.md, not part of t4j: PyTorch eager batch-1 latency
# (python3 torch_eager_batch1.py fp32|bf16 THREADS, with a torch CPU wheel installed).
# PyTorch eager reference for batch-1 latency: HF BertModel's forward (modeling_bert.py, sdpa attention), bge-small's
# shape (12 layers, hidden 384, 12 heads, intermediate 1536), random weights, the token counts of the first 300 SST-2
# dev sentences under bge-small's tokenizer (sst2-dev-300-bge-small-lengths.txt, counted with t4j's AutoTokenizer). Median over the sentences, after 5 warm-up forwards.
import os, sys, time, statistics, torch
import torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
dtype = {'fp32': torch.float32, 'bf16': torch.bfloat16}[sys.argv[1]]
C, H, I, L = 384, 12, 1536, 12
class Layer(nn.Module):
    def __init__(s):
        super().__init__()
        s.q, s.k, s.v, s.o = (nn.Linear(C, C) for _ in range(4))
        s.ln1, s.up, s.down, s.ln2 = nn.LayerNorm(C, eps=1e-12), nn.Linear(C, I), nn.Linear(I, C), nn.LayerNorm(C, eps=1e-12)
    def forward(s, x, mask):
        B, T, _ = x.shape
        sh = lambda t: t.view(B, T, H, C // H).transpose(1, 2)
        a = F.scaled_dot_product_attention(sh(s.q(x)), sh(s.k(x)), sh(s.v(x)), attn_mask=mask)
        x = s.ln1(s.o(a.transpose(1, 2).reshape(B, T, C)) + x)
        return s.ln2(s.down(F.gelu(s.up(x))) + x)
class Model(nn.Module):
    def __init__(s):
        super().__init__()
        s.we, s.pe, s.te, s.ln = nn.Embedding(30522, C), nn.Embedding(512, C), nn.Embedding(2, C), nn.LayerNorm(C, eps=1e-12)
        s.layers = nn.ModuleList(Layer() for _ in range(L))
        s.pool, s.cls = nn.Linear(C, C), nn.Linear(C, 2)
    def forward(s, ids, am):
        T = ids.shape[1]
        x = s.ln(s.we(ids) + s.te(torch.zeros_like(ids)) + s.pe(torch.arange(T).unsqueeze(0)))
        mask = am.bool()[:, None, None, :]
        for l in s.layers:
            x = l(x, mask)
        return s.cls(torch.tanh(s.pool(x[:, 0])))
m = Model().eval().to(dtype)
lens = [int(l) for l in open(os.path.join(os.path.dirname(__file__), 'sst2-dev-300-bge-small-lengths.txt'))]
inputs = [(torch.randint(1000, 30000, (1, n)), torch.ones(1, n, dtype=torch.long)) for n in lens]
with torch.inference_mode():
    for ids, am in inputs[:5]:
        m(ids, am)
    ms = []
    for ids, am in inputs:
        t0 = time.perf_counter(); m(ids, am); ms.append((time.perf_counter() - t0) * 1e3)
print(f"torch {torch.__version__} eager {sys.argv[1]} threads={torch.get_num_threads()} batch 1 over {len(ms)} sentences: median {statistics.median(ms):.2f} ms, mean {statistics.mean(ms):.2f}")
