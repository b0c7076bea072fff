"""Metrics against values worked out by hand from their definitions."""

import math

import numpy as np
import pytest

import gradstep
from gradstep.train import metrics
from gradstep.train.errors import TrainingConfigError

# three classes, eight examples; the confusion matrix (rows true, columns predicted) by hand:
#   true 0: predicted 0, 0, 1      -> [2, 1, 0]
#   true 1: predicted 1, 1, 2      -> [0, 2, 1]
#   true 2: predicted 2, 0         -> [1, 0, 1]
Y_TRUE = np.array([0, 0, 0, 1, 1, 1, 2, 2])
Y_PRED = np.array([0, 0, 1, 1, 1, 2, 2, 0])
CM = np.array([[2, 1, 0], [0, 2, 1], [1, 0, 1]])


def test_accuracy_on_labels_scores_one_hot_and_tensors():
    assert metrics.accuracy(Y_TRUE, Y_PRED) == 5 / 8
    scores = np.eye(3)[Y_PRED] * 0.7 + 0.1  # arg-max of each row is Y_PRED
    one_hot = np.eye(3)[Y_TRUE]
    assert metrics.accuracy(one_hot, scores) == 5 / 8
    assert metrics.accuracy(gradstep.tensor(Y_TRUE), gradstep.Tensor(scores)) == 5 / 8
    assert metrics.accuracy([1, 0], [1, 1]) == 0.5


def test_accuracy_thresholds_positive_class_probabilities():
    y = np.array([1, 0, 1, 0])
    p = np.array([0.9, 0.4, 0.3, 0.6])  # >= 0.5: 1, 0, 0, 1 -> 2 of 4 right
    assert metrics.accuracy(y, p) == 0.5
    assert metrics.accuracy(y, p.reshape(-1, 1)) == 0.5
    logits = np.array([2.0, -1.0, 0.5, -0.2])  # >= 0: 1, 0, 1, 0 -> all right
    assert metrics.accuracy(y, logits, threshold=0.0) == 1.0


def test_confusion_matrix_by_hand():
    np.testing.assert_array_equal(metrics.confusion_matrix(Y_TRUE, Y_PRED), CM)
    padded = metrics.confusion_matrix(Y_TRUE, Y_PRED, num_classes=4)
    assert padded.shape == (4, 4) and padded[:3, :3].tolist() == CM.tolist() and padded[3].sum() == 0
    # score columns fix k even when the last class is never predicted nor present
    assert metrics.confusion_matrix([0, 1], np.array([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1]])).shape == (3, 3)


def test_precision_recall_f1_per_class_and_macro():
    # precision_j = CM[j, j] / column sum; recall_j = CM[j, j] / row sum
    p = np.array([2 / 3, 2 / 3, 1 / 2])
    r = np.array([2 / 3, 2 / 3, 1 / 2])
    f = 2 * p * r / (p + r)
    np.testing.assert_allclose(metrics.precision(Y_TRUE, Y_PRED, average=None), p)
    np.testing.assert_allclose(metrics.recall(Y_TRUE, Y_PRED, average=None), r)
    np.testing.assert_allclose(metrics.f1(Y_TRUE, Y_PRED, average=None), f)
    assert metrics.precision(Y_TRUE, Y_PRED) == pytest.approx(p.mean())
    assert metrics.f1(Y_TRUE, Y_PRED) == pytest.approx(f.mean())


def test_precision_of_a_class_never_predicted_is_zero():
    # class 1 is never predicted: precision 0 (no division by zero); recall of class 1 is 0 too
    y_true, y_pred = [0, 1, 1, 0], [0, 0, 0, 0]
    np.testing.assert_allclose(metrics.precision(y_true, y_pred, average=None), [0.5, 0.0])
    np.testing.assert_allclose(metrics.recall(y_true, y_pred, average=None), [1.0, 0.0])
    # F1 class 0 = 2*0.5*1/(1.5) = 2/3, class 1 = 0
    assert metrics.f1(y_true, y_pred) == pytest.approx((2 / 3 + 0) / 2)


def test_macro_average_skips_classes_absent_from_both_sides():
    # num_classes=3 but class 2 never occurs: the macro mean runs over classes 0 and 1 only
    assert metrics.recall([0, 1], [0, 1], num_classes=3) == 1.0


def test_regression_metrics_by_hand():
    y = np.array([3.0, -0.5, 2.0, 7.0])
    yh = np.array([2.5, 0.0, 2.0, 8.0])
    # errors: -0.5, 0.5, 0, 1 -> squared 0.25, 0.25, 0, 1 -> mean 0.375; |.| mean 0.5
    assert metrics.mse(y, yh) == pytest.approx(0.375)
    assert metrics.mae(y, yh) == pytest.approx(0.5)
    # mean of y = 2.875; SS_tot = 0.015625 + 11.390625 + 0.765625 + 17.015625 = 29.1875; SS_res = 1.5
    assert metrics.r2(y, yh) == pytest.approx(1 - 1.5 / 29.1875)
    # (n,) against a column (n, 1) is reconciled; Tensors work
    assert metrics.mse(gradstep.tensor(y), gradstep.tensor(yh.reshape(-1, 1))) == pytest.approx(0.375)


def test_r2_multi_output_is_the_mean_and_constant_targets_are_finite():
    y = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])
    yh = np.array([[1.0, 0.0], [2.0, 0.0], [4.0, 1.0]])
    # column 0: SS_res 1, SS_tot 2 -> 0.5 ; column 1: constant target, imperfect -> 0.0
    assert metrics.r2(y, yh) == pytest.approx(0.25)
    assert metrics.r2([2.0, 2.0], [2.0, 2.0]) == 1.0


def test_log_loss_by_hand():
    y = np.array([0, 2, 1])
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.25, 0.5, 0.25]])
    assert metrics.log_loss(y, p) == pytest.approx(-(math.log(0.7) + math.log(0.8) + math.log(0.5)) / 3)
    # binary with P(y=1): -(ln 0.9 + ln(1 - 0.2)) / 2
    assert metrics.log_loss([1, 0], [0.9, 0.2]) == pytest.approx(-(math.log(0.9) + math.log(0.8)) / 2)
    # a certain mistake costs -ln(eps), not infinity
    assert metrics.log_loss([1], [0.0], eps=1e-7) == pytest.approx(-math.log(1e-7))


def test_length_mismatch_names_the_function_and_both_lengths():
    for fn in (metrics.accuracy, metrics.mse, metrics.mae, metrics.r2, metrics.log_loss, metrics.confusion_matrix,
               metrics.precision, metrics.recall, metrics.f1):  # fmt: skip
        with pytest.raises(gradstep.ShapeError, match=rf"^{fn.__name__}: y_true has 3 examples but y_pred has 2$"):
            fn(np.array([0, 1, 1]), np.array([0.2, 0.7]))


def test_other_bad_inputs_give_clear_errors():
    with pytest.raises(gradstep.ShapeError, match=r"accuracy: got empty inputs \(0 examples\)"):
        metrics.accuracy([], [])
    with pytest.raises(gradstep.ShapeError, match=r"mse: expected arrays of examples, got shapes \(\) \(y_true\)"):
        metrics.mse(1.0, [1.0])
    with pytest.raises(gradstep.ShapeError, match=r"mse: y_true has shape \(2, 2\) but y_pred has shape \(2, 3\)"):
        metrics.mse(np.zeros((2, 2)), np.zeros((2, 3)))
    with pytest.raises(gradstep.ShapeError, match=r"accuracy: y_true must be labels \(n,\) or one-hot"):
        metrics.accuracy(np.zeros((2, 1, 2)), [0, 1])
    with pytest.raises(gradstep.ShapeError, match=r"accuracy: y_pred must be labels \(n,\), scores"):
        metrics.accuracy([0, 1], np.zeros((2, 1, 2)))
    with pytest.raises(TrainingConfigError, match=r"accuracy: y_true must hold integer class labels, got dtype float64"):
        metrics.accuracy([0.5, 1.0], [0, 1])
    with pytest.raises(TrainingConfigError, match=r"accuracy: class labels must be >= 0, y_true contains -1"):
        metrics.accuracy([-1, 1], [0, 1])
    with pytest.raises(TrainingConfigError, match=r"f1: average must be 'macro' or None, got 'weighted'"):
        metrics.f1([0, 1], [0, 1], average="weighted")
    with pytest.raises(TrainingConfigError, match=r"confusion_matrix: num_classes=2 but the labels need at least 3"):
        metrics.confusion_matrix([0, 2], [0, 1], num_classes=2)
    with pytest.raises(TrainingConfigError, match=r"log_loss: y_prob must hold probabilities in \[0, 1\], got values in \[-1, 2\]; apply softmax"):
        metrics.log_loss([0, 1], np.array([[-1.0, 2.0], [0.5, 0.5]]))
    with pytest.raises(TrainingConfigError, match=r"log_loss: y_true contains class 2 but y_prob has only 2 columns"):
        metrics.log_loss([0, 2], np.array([[0.5, 0.5], [0.5, 0.5]]))


def test_metric_lookup_and_modes():
    assert metrics.get_metric("f1") == ("f1", metrics.f1)
    with pytest.raises(TrainingConfigError, match=r"get_metric: unknown metric 'auc'; use one of accuracy, f1, log_loss"):
        metrics.get_metric("auc")
    assert metrics.metric_mode("val_r2") == "max" and metrics.metric_mode("val_mae") == "min"
    with pytest.raises(TrainingConfigError, match=r"metric_mode: mode must be 'auto', 'min' or 'max', got 'best'"):
        metrics.metric_mode("loss", "best")


def test_every_metric_accepts_tensors():
    # the hand-worked answers above, with both arguments as Tensors (float32 for the predictions)
    y_true, y_pred = gradstep.tensor(Y_TRUE), gradstep.tensor(np.eye(3)[Y_PRED] * 0.7 + 0.1)
    np.testing.assert_array_equal(metrics.confusion_matrix(y_true, y_pred), CM)
    assert metrics.precision(y_true, y_pred) == pytest.approx(np.mean([2 / 3, 2 / 3, 1 / 2]))
    assert metrics.recall(y_true, y_pred) == pytest.approx(np.mean([2 / 3, 2 / 3, 1 / 2]))
    assert metrics.f1(y_true, y_pred) == pytest.approx(np.mean([2 / 3, 2 / 3, 1 / 2]))  # F1 = P = R here
    y, yh = gradstep.tensor([3.0, -0.5, 2.0, 7.0]), gradstep.tensor([2.5, 0.0, 2.0, 8.0])
    assert metrics.mae(y, yh) == pytest.approx(0.5)
    assert metrics.r2(y, yh) == pytest.approx(1 - 1.5 / 29.1875, rel=1e-6)
    p = gradstep.tensor([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.25, 0.5, 0.25]])
    assert metrics.log_loss(gradstep.tensor([0, 2, 1]), p) == pytest.approx(
        -(math.log(0.7) + math.log(0.8) + math.log(0.5)) / 3, rel=1e-6
    )
