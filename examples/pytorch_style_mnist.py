"""An MNIST classifier written the way a PyTorch user writes it, running on gradstep.

Dataset and DataLoader, an nn.Module with Linear layers, train and eval
loops, no_grad for evaluation, StepLR, gradient clipping with
clip_grad_norm_, and the model's state_dict saved and loaded again. Replace
``gradstep`` by ``torch`` (and ``gradstep.data`` by ``torch.utils.data``)
and it is a PyTorch script. Five epochs reach about 0.98 test accuracy.

Usage::

    python examples/pytorch_style_mnist.py [DATA_FOLDER] [--epochs 5] [--train-size N]

DATA_FOLDER holds the four MNIST IDX files (``train-images-idx3-ubyte.gz``,
...) directly or in a ``mnist/`` subfolder; by default ``../shared/data``
beside the repository.
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

import gradstep
from gradstep import nn
from gradstep.data import DataLoader, Dataset, Subset, load_mnist
from gradstep.nn import functional as F
from gradstep.optim import Adam
from gradstep.optim.lr_scheduler import StepLR

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


class MNIST(Dataset):
    """The MNIST digits as (image, label) samples: a 1x28x28 float32 image normalised as torchvision does."""

    def __init__(self, root, train=True):
        images, labels = load_mnist(root, split="train" if train else "test")  # (n, 28, 28) in [0, 1]
        self.images = ((images - 0.1307) / 0.3081)[:, None, :, :]  # transforms.Normalize((0.1307,), (0.3081,))
        self.labels = labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        return self.images[index], int(self.labels[index])


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(28 * 28, 256)
        self.fc2 = nn.Linear(256, 128)
        self.fc3 = nn.Linear(128, 10)
        self.dropout = nn.Dropout(0.2)

    def forward(self, x):
        x = self.flatten(x)
        x = self.dropout(F.relu(self.fc1(x)))
        x = self.dropout(F.relu(self.fc2(x)))
        return self.fc3(x)  # logits


def train(model, loader, optimizer, loss_fn, max_norm=5.0):
    model.train()
    total, count = 0.0, 0
    for images, labels in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(images), labels)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        optimizer.step()
        total += loss.item() * len(labels)
        count += len(labels)
    return total / count


def evaluate(model, loader):
    model.eval()
    correct, count = 0, 0
    with gradstep.no_grad():
        for images, labels in loader:
            predictions = model(images).argmax(axis=1)
            correct += int((predictions == labels).sum().item())
            count += len(labels)
    return correct / count


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(DEFAULT_DATA), help="folder with the MNIST files")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--train-size", type=int, default=None, help="train on the first N images only")
    parser.add_argument("--test-size", type=int, default=None, help="test on the first N images only")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    gradstep.manual_seed(args.seed)  # initial weights and dropout masks
    train_set, test_set = MNIST(args.data, train=True), MNIST(args.data, train=False)
    if args.train_size:
        train_set = Subset(train_set, range(args.train_size))
    if args.test_size:
        test_set = Subset(test_set, range(args.test_size))
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, seed=args.seed)
    test_loader = DataLoader(test_set, batch_size=1000)

    model = Net()
    optimizer = Adam(model.parameters(), lr=args.lr)
    scheduler = StepLR(optimizer, step_size=2, gamma=0.5)
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        loss = train(model, train_loader, optimizer, loss_fn)
        accuracy = evaluate(model, test_loader)
        print(f"epoch {epoch}: lr {scheduler.get_last_lr()[0]:.2e}  train loss {loss:.4f}  test accuracy {accuracy:.4f}")
        scheduler.step()
    seconds = time.perf_counter() - start

    path = os.path.join(tempfile.mkdtemp(), "mnist_net.safetensors")
    gradstep.save(model.state_dict(), path)
    restored = Net()
    restored.load_state_dict(gradstep.load(path))
    restored_accuracy = evaluate(restored, test_loader)
    print(f"{args.epochs} epochs in {seconds:.1f} s; test accuracy {accuracy:.4f}, "
          f"after save/load {restored_accuracy:.4f} ({path})")  # fmt: skip
    return accuracy, restored_accuracy


if __name__ == "__main__":
    main()
