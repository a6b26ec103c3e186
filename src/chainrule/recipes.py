"""Default training recipes per data set: what `chainrule train --dataset NAME` does with no other options."""

from __future__ import annotations

DATASETS = {"mnist", "fashion-mnist", "rings", "xor", "spirals", "moons"}

# Chosen and measured on 2 CPU cores (see the README's figures): each reaches its target accuracy.
RECIPES = {
    "mnist": dict(hidden="512,256", activation="relu", init="he", dropout=0.2, optimizer="adamw", lr=2e-3,
                  schedule="onecycle", batch_size=128, epochs=10),
    "fashion-mnist": dict(hidden="512,256", activation="relu", init="he", dropout=0.3, optimizer="adamw",
                          lr=2e-3, schedule="onecycle", batch_size=128, epochs=15),
    "rings": dict(hidden="32,16", activation="relu", init="he", dropout=0.0, optimizer="momentum", lr=0.05,
                  schedule="step", batch_size=32, epochs=60),
    "xor": dict(hidden="8", activation="tanh", init="xavier", dropout=0.0, optimizer="adam", lr=0.05,
                schedule="none", batch_size=4, epochs=300),
    "spirals": dict(hidden="64,64", activation="relu", init="he", dropout=0.0, optimizer="adam", lr=0.01,
                    schedule="none", batch_size=32, epochs=150),
    "moons": dict(hidden="32,16", activation="relu", init="he", dropout=0.0, optimizer="adam", lr=0.01,
                  schedule="none", batch_size=32, epochs=60),
}
CNN_RECIPE = dict(optimizer="adamw", lr=3e-3, schedule="onecycle", batch_size=128, epochs=5, dropout=0.25)
