#include "engine/model/reference_forward.h"

#include <cmath>

#include "engine/kernels/quantize.h"
#include "util/check.h"

namespace hirelm::model {

namespace {

using Rows = std::vector<std::vector<double>>;  // [n_tokens][width]

// y[t] = W x[t] (+ bias), W: [rows, cols] dequantized one row at a time.
Rows linear(const kernels::MatrixView& w, const Rows& x, const kernels::MatrixView* bias = nullptr) {
  Rows y(x.size(), std::vector<double>(static_cast<size_t>(w.rows)));
  std::vector<float> row(static_cast<size_t>(w.cols));
  for (int64_t r = 0; r < w.rows; ++r) {
    kernels::dequantize_row(w.type, static_cast<const uint8_t*>(w.data) + static_cast<size_t>(r) * w.row_bytes,
                            row.data(), w.cols);
    double b = bias ? static_cast<const float*>(bias->data)[r] : 0.0;
    for (size_t t = 0; t < x.size(); ++t) {
      double acc = 0.0;
      for (int64_t c = 0; c < w.cols; ++c) acc += static_cast<double>(row[static_cast<size_t>(c)]) * x[t][static_cast<size_t>(c)];
      y[t][static_cast<size_t>(r)] = acc + b;
    }
  }
  return y;
}

Rows rmsnorm(const Rows& x, const kernels::MatrixView& weight, double eps) {
  Rows y = x;
  const float* w = static_cast<const float*>(weight.data);
  for (auto& row : y) {
    double ss = 0.0;
    for (double v : row) ss += v * v;
    double inv = 1.0 / std::sqrt(ss / static_cast<double>(row.size()) + eps);
    for (size_t i = 0; i < row.size(); ++i) row[i] = row[i] * inv * w[i];
  }
  return y;
}

// NEOX RoPE: pairs (i, i + head_dim/2) of each head rotate by pos * theta^(-2i/head_dim).
void rope(std::vector<double>& x, int64_t n_heads, int64_t head_dim, int64_t pos, double theta) {
  int64_t half = head_dim / 2;
  for (int64_t h = 0; h < n_heads; ++h) {
    double* v = &x[static_cast<size_t>(h * head_dim)];
    for (int64_t i = 0; i < half; ++i) {
      double angle = static_cast<double>(pos) * std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(head_dim));
      double c = std::cos(angle), s = std::sin(angle);
      double a = v[i], b = v[i + half];
      v[i] = a * c - b * s;
      v[i + half] = a * s + b * c;
    }
  }
}

}  // namespace

std::vector<float> reference_forward(const Qwen2Config& c, const Qwen2Weights& w, const std::vector<int32_t>& tokens,
                                     bool all_positions) {
  HIRELM_CHECK(!tokens.empty());
  const size_t n = tokens.size();
  const int64_t hd = c.head_dim, group = c.n_heads / c.n_heads_kv;
  // x: [n][n_embd]
  Rows x(n, std::vector<double>(static_cast<size_t>(c.n_embd)));
  std::vector<float> row(static_cast<size_t>(c.n_embd));
  for (size_t t = 0; t < n; ++t) {
    HIRELM_CHECK(tokens[t] >= 0 && tokens[t] < c.n_vocab);
    kernels::dequantize_row(w.token_embd.type,
                            static_cast<const uint8_t*>(w.token_embd.data) + static_cast<size_t>(tokens[t]) * w.token_embd.row_bytes,
                            row.data(), c.n_embd);
    for (int64_t i = 0; i < c.n_embd; ++i) x[t][static_cast<size_t>(i)] = row[static_cast<size_t>(i)];
  }
  for (const LayerWeights& l : w.layers) {
    Rows xn = rmsnorm(x, l.attn_norm, c.rms_eps);
    Rows q = linear(l.attn_q, xn, &l.attn_q_bias);  // [n][n_heads * head_dim]
    Rows k = linear(l.attn_k, xn, &l.attn_k_bias);  // [n][n_heads_kv * head_dim]
    Rows v = linear(l.attn_v, xn, &l.attn_v_bias);  // [n][n_heads_kv * head_dim]
    for (size_t t = 0; t < n; ++t) {
      rope(q[t], c.n_heads, hd, static_cast<int64_t>(t), c.rope_theta);
      rope(k[t], c.n_heads_kv, hd, static_cast<int64_t>(t), c.rope_theta);
    }
    Rows attn(n, std::vector<double>(static_cast<size_t>(c.q_dim())));  // [n][n_heads * head_dim]
    std::vector<double> p(n);
    for (size_t t = 0; t < n; ++t) {
      for (int64_t h = 0; h < c.n_heads; ++h) {
        size_t qo = static_cast<size_t>(h * hd), ko = static_cast<size_t>((h / group) * hd);
        double mx = -INFINITY;
        for (size_t j = 0; j <= t; ++j) {
          double dot = 0.0;
          for (int64_t i = 0; i < hd; ++i) dot += q[t][qo + static_cast<size_t>(i)] * k[j][ko + static_cast<size_t>(i)];
          p[j] = dot / std::sqrt(static_cast<double>(hd));
          mx = std::max(mx, p[j]);
        }
        double sum = 0.0;
        for (size_t j = 0; j <= t; ++j) sum += (p[j] = std::exp(p[j] - mx));
        for (size_t j = 0; j <= t; ++j) {
          for (int64_t i = 0; i < hd; ++i) attn[t][qo + static_cast<size_t>(i)] += p[j] / sum * v[j][ko + static_cast<size_t>(i)];
        }
      }
    }
    Rows o = linear(l.attn_output, attn);
    for (size_t t = 0; t < n; ++t) {
      for (size_t i = 0; i < x[t].size(); ++i) x[t][i] += o[t][i];
    }
    xn = rmsnorm(x, l.ffn_norm, c.rms_eps);
    Rows gate = linear(l.ffn_gate, xn), up = linear(l.ffn_up, xn);  // [n][n_ff]
    for (size_t t = 0; t < n; ++t) {
      for (size_t i = 0; i < gate[t].size(); ++i) {
        double g = gate[t][i];
        gate[t][i] = g / (1.0 + std::exp(-g)) * up[t][i];
      }
    }
    Rows down = linear(l.ffn_down, gate);
    for (size_t t = 0; t < n; ++t) {
      for (size_t i = 0; i < x[t].size(); ++i) x[t][i] += down[t][i];
    }
  }
  Rows last = all_positions ? x : Rows{x.back()};
  Rows logits = linear(w.output, rmsnorm(last, w.output_norm, c.rms_eps));
  std::vector<float> out;
  out.reserve(logits.size() * static_cast<size_t>(c.n_vocab));
  for (const auto& r : logits) {
    for (double val : r) out.push_back(static_cast<float>(val));
  }
  return out;
}

}  // namespace hirelm::model
