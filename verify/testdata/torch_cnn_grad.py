#!/usr/bin/env python3
"""Reference numbers for verify/torch_test.go: PyTorch's K and ∇K for small CNNs.

Run with Debian's python3 and python3-torch (float64):
    python3 verify/testdata/torch_cnn_grad.py > verify/testdata/torch_cnn_grad.txt

Parameters, inputs and targets follow closed formulas that the Go test evaluates too:
    A[i]        = 0.5*sin(1.3*i + 0.7)            (nabla's layout of A, i from 0)
    X[n][j]     = cos(0.9*(n*rowlen + j) + 0.2)   (one image per row, C×H×W row-major)
    Z[n][k]     = 0.5 + 0.4*sin(2.1*(n*outs + k))
Cost K = Σ ‖z − z̄‖². Layout of A per layer: conv kernel F×C×K×K (= conv.weight) then F
biases; dense W (out×in, = linear.weight) then b. Output: one line per net,
"architecture batch K grad[0] grad[1] …" with 17 significant digits.
"""
import math
import torch
import torch.nn.functional as F

NETS = [
    # (architecture string, layer list, batch size)
    ("1x6x6-conv2@3x3-maxpool2-3:relu,sigmoid",
     [("conv", 1, 2, 3, 1, 0, "relu"), ("maxpool", 2, 2), ("dense", 8, 3, "sigmoid")], 2, (1, 6, 6)),
    ("2x5x5-conv3@3x3/s2+p1-conv2@2x2-avgpool2/s1-2:tanh,relu,sigmoid",
     [("conv", 2, 3, 3, 2, 1, "tanh"), ("conv", 3, 2, 2, 1, 0, "relu"), ("avgpool", 2, 1),
      ("dense", 2, 2, "sigmoid")], 3, (2, 5, 5)),
]

ACT = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "identity": lambda x: x}

def main():
    for arch, layers, n, shape in NETS:
        params, i = [], 0
        def take(*dims):
            nonlocal i
            cnt = math.prod(dims)
            t = torch.tensor([0.5 * math.sin(1.3 * (i + k) + 0.7) for k in range(cnt)], dtype=torch.float64).reshape(dims)
            i += cnt
            t.requires_grad_()
            params.append(t)
            return t
        row = math.prod(shape)
        x = torch.tensor([[math.cos(0.9 * (m * row + j) + 0.2) for j in range(row)] for m in range(n)], dtype=torch.float64).reshape(n, *shape)
        a = x
        for l in layers:
            if l[0] == "conv":
                _, c, f, k, s, p, act = l
                w, b = take(f, c, k, k), take(f)
                a = ACT[act](F.conv2d(a, w, b, stride=s, padding=p))
            elif l[0] == "maxpool":
                a = F.max_pool2d(a, l[1], stride=l[2])
            elif l[0] == "avgpool":
                a = F.avg_pool2d(a, l[1], stride=l[2])
            else:
                _, fin, fout, act = l
                w, b = take(fout, fin), take(fout)
                a = ACT[act](a.reshape(n, -1) @ w.T + b)
        outs = a.shape[1]
        z = torch.tensor([[0.5 + 0.4 * math.sin(2.1 * (m * outs + k)) for k in range(outs)] for m in range(n)], dtype=torch.float64)
        K = ((a - z) ** 2).sum()
        K.backward()
        g = torch.cat([q.grad.reshape(-1) for q in params])
        print(arch, n, f"{K.item():.17g}", " ".join(f"{v:.17g}" for v in g.tolist()))

if __name__ == "__main__":
    main()
