"""Training: Trainer, callbacks, metrics and checkpoints."""
