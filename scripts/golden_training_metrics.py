#!/usr/bin/env python3
"""Golden values for the trainer's test metrics from scikit-learn and numpy.

Writes Tests/TrainingTests/Golden/metrics.json: seeded scores (with ties) and labels, scikit-learn's
roc_auc_score and log_loss on the sigmoid of the scores, and the FGSM step of numpy.

Command (from the repository root, with numpy and scikit-learn installed):
    python3 scripts/golden_training_metrics.py
"""
import json
import pathlib

import numpy as np
from sklearn.metrics import log_loss, roc_auc_score

rng = np.random.default_rng(20261204)
labels = rng.integers(0, 2, size=200).astype(np.float32)
# Rounded to quarter steps so that many scores tie across classes.
scores = np.round((rng.normal(size=200) + 1.2 * labels) * 4) / 4
scores = scores.astype(np.float32)
probabilities = 1 / (1 + np.exp(-scores.astype(np.float64)))

images = rng.random(64).astype(np.float32)
images[:4] = [0.0, 1.0, 0.999, 0.001]
gradient = rng.normal(size=64).astype(np.float32)
gradient[4:8] = 0
epsilon = np.float32(8 / 255)
adversarial = np.clip(images + epsilon * np.sign(gradient), 0, 1).astype(np.float32)

out = {
    "scores": scores.tolist(),
    "labels": labels.tolist(),
    "auc": float(roc_auc_score(labels, scores)),
    "mean_bce": float(log_loss(labels, probabilities, labels=[0, 1])),
    "images": images.tolist(),
    "gradient": gradient.tolist(),
    "epsilon_levels": 8,
    "adversarial": adversarial.tolist(),
}
path = pathlib.Path(__file__).resolve().parent.parent / "Tests/TrainingTests/Golden/metrics.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {path}: auc {out['auc']:.6f}, mean BCE {out['mean_bce']:.6f}")
