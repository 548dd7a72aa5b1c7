"""python compare.py MODEL_DIR DUMP_DIR

Recomputes the loss and every base weight's gradient of dump-gradients.ts's
batch with an independent Llama forward in torch (GQA, RoPE, RMSNorm, SwiGLU,
tied or untied head, segment-masked causal attention) and prints the relative
error per tensor as JSON. Needs torch (e.g. the CPU wheel in /opt/wheels);
a development check, not part of CI.
"""
import json, math, struct, sys
import torch

model_dir, dump_dir = sys.argv[1], sys.argv[2]
cfg = json.load(open(f'{model_dir}/config.json'))


def load_safetensors(path):
    raw = open(path, 'rb').read()
    size = struct.unpack('<Q', raw[:8])[0]
    header, base = json.loads(raw[8:8 + size]), 8 + size
    dtypes = {'F32': torch.float32, 'BF16': torch.bfloat16, 'F16': torch.float16}
    return {name: torch.frombuffer(bytearray(raw[base + v['data_offsets'][0]:base + v['data_offsets'][1]]), dtype=dtypes[v['dtype']]).reshape(v['shape']).float()
            for name, v in header.items() if name != '__metadata__'}


W = {k: torch.nn.Parameter(v) for k, v in load_safetensors(f'{model_dir}/model.safetensors').items()}
heads, kv_heads, head_dim = cfg['num_attention_heads'], cfg['num_key_value_heads'], cfg['head_dim']
eps, theta = cfg['rms_norm_eps'], cfg['rope_theta']
head = W['model.embed_tokens.weight'] if cfg['tie_word_embeddings'] else W['lm_head.weight']


def rms(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rope(x, positions):
    inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2).float() / head_dim))
    angles = torch.outer(torch.arange(positions).float(), inv)
    cos, sin = torch.cat([angles.cos()] * 2, -1), torch.cat([angles.sin()] * 2, -1)
    return x * cos + torch.cat([-x[..., head_dim // 2:], x[..., :head_dim // 2]], -1) * sin


def forward(ids, segments):
    B, S = ids.shape
    x = W['model.embed_tokens.weight'][ids]
    mask = torch.tril(torch.ones(S, S, dtype=torch.bool))[None] & (segments[:, :, None] == segments[:, None, :])
    for layer in range(cfg['num_hidden_layers']):
        p = f'model.layers.{layer}.'
        h = rms(x, W[p + 'input_layernorm.weight'])
        split = lambda name, n: (h @ W[p + name].T).view(B, S, n, head_dim).transpose(1, 2)
        q = rope(split('self_attn.q_proj.weight', heads), S)
        k = rope(split('self_attn.k_proj.weight', kv_heads), S).repeat_interleave(heads // kv_heads, dim=1)
        v = split('self_attn.v_proj.weight', kv_heads).repeat_interleave(heads // kv_heads, dim=1)
        scores = ((q @ k.transpose(-1, -2)) / math.sqrt(head_dim)).masked_fill(~mask[:, None], -1e9)
        x = x + (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, S, heads * head_dim) @ W[p + 'self_attn.o_proj.weight'].T
        h = rms(x, W[p + 'post_attention_layernorm.weight'])
        x = x + (torch.nn.functional.silu(h @ W[p + 'mlp.gate_proj.weight'].T) * (h @ W[p + 'mlp.up_proj.weight'].T)) @ W[p + 'mlp.down_proj.weight'].T
    return rms(x, W['model.norm.weight']) @ head.T


rows = json.load(open(f'{dump_dir}/rows.json'))
tokens = torch.tensor([r['tokens'] for r in rows])
weights = torch.tensor([r['weights'] for r in rows], dtype=torch.float32)[:, 1:]
segments = torch.tensor([r.get('segments', [0] * len(r['tokens'])) for r in rows])[:, :-1]
logits = forward(tokens[:, :-1], segments)
nll = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1), reduction='none')
loss = (nll * weights.reshape(-1)).sum() / weights.sum()
loss.backward()
ours = json.load(open(f'{dump_dir}/gradients.json'))
errors = {name: ((torch.tensor(ours[name]).reshape(p.shape) - p.grad).norm() / (p.grad.norm() + 1e-30)).item() for name, p in W.items() if name in ours}
print(json.dumps({'loss_torch': loss.item(), 'loss_ours': ours['loss'][0], 'worst': max(errors, key=errors.get), 'worst_relative_error': max(errors.values()), 'relative_error': errors}, indent=1))
