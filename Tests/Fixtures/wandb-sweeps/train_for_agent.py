"""A training script written for W&B sweeps, as W&B's own examples write one: defaults passed to
wandb.init(config=...), hyperparameters read from wandb.config, define_metric with a summary,
wandb.watch on the model, one wandb.log per epoch, wandb.Image examples, run.summary, and the
in-process wandb.sweep / wandb.agent entry point. Its "model" is a toy so it needs only Python;
hpotop's tests run it unchanged with no wandb package installed.
"""
import math

import wandb

hyperparameter_defaults = dict(
    dropout=0.2,
    hidden_layer_size=128,
    layer_1_size=16,
    layer_2_size=32,
    learn_rate=0.01,
    decay=1e-6,
    momentum=0.9,
    epochs=5,
)


class ToyModel:
    """Stands in for a network: a validation loss that falls with the epochs, then overfits."""

    def __init__(self, config):
        self.base = (math.log10(config.learn_rate) + 2.0) ** 2 + config.dropout
        self.base += abs(config.layer_1_size - 16) / 100.0 + abs(config.momentum - 0.9)

    def val_loss(self, epoch, epochs):
        loss = self.base + 1.0 / (epoch + 1)
        if epoch == epochs - 1:
            loss += 0.25  # the last epoch overfits: the summary's min is not the last value
        return loss


def train():
    run = wandb.init(config=hyperparameter_defaults, project="fashion-toy")
    config = wandb.config
    wandb.define_metric("val_loss", summary="min")

    model = ToyModel(config)
    wandb.watch(model, log="all")

    for epoch in range(config.epochs):
        val_loss = model.val_loss(epoch, config.epochs)
        wandb.log({"epoch": epoch, "val_loss": val_loss, "train_loss": val_loss * 0.9})

    examples = [wandb.Image([[0, 255], [255, 0]], caption="prediction %d" % i) for i in range(2)]
    wandb.log({"examples": examples})
    run.summary["hidden_layer_size"] = config.hidden_layer_size
    wandb.alert(title="done", text="toy training finished")
    wandb.finish()


if __name__ == "__main__":
    sweep_id = wandb.sweep({"method": "random", "parameters": {}}, project="fashion-toy")
    wandb.agent(sweep_id, function=train, count=1)
