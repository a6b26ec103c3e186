"""Message validation: every malformed, mistyped or oversized message is refused with a clear reason."""

import json

import pytest

from chainrule.playground import protocol
from chainrule.playground.protocol import DEFAULT_CONFIG, ProtocolError, parse_message, validate_config


def config(**changes):
    return {**DEFAULT_CONFIG, **changes}


def message(kind, **fields):
    return json.dumps({"type": kind, **fields})


def test_default_config_and_presets_are_valid():
    assert validate_config(DEFAULT_CONFIG) == DEFAULT_CONFIG
    for name, preset in protocol.PRESETS.items():
        assert validate_config(preset)["dataset"] == name


@pytest.mark.parametrize("kind", ["play", "pause", "reset", "ping"])
def test_simple_messages(kind):
    assert parse_message(message(kind)) == {"type": kind}


def test_step_defaults_to_one_epoch_and_is_bounded():
    assert parse_message(message("step")) == {"type": "step", "epochs": 1}
    assert parse_message(message("step", epochs=5))["epochs"] == 5
    with pytest.raises(ProtocolError, match="epochs"):
        parse_message(message("step", epochs=10**9))


@pytest.mark.parametrize(
    "text, reason",
    [
        ("{not json", "malformed JSON"),
        ("", "malformed JSON"),
        ("[1, 2]", "JSON object"),
        ('"play"', "JSON object"),
        ("null", "JSON object"),
        ('{"type": "launch"}', "unknown message type"),
        ('{"type": 7}', "unknown message type"),
        ("{}", "unknown message type"),
        ('{"type": "play", "extra": 1}', "unexpected field"),
        ("[" * 100_000 + "]" * 100_000, "malformed JSON"),
        ('{"type": "step", "epochs": 1' + "0" * 5000 + "}", "malformed JSON"),
    ],
)
def test_malformed_messages(text, reason):
    with pytest.raises(ProtocolError, match=reason):
        parse_message(text)


def test_non_text_and_huge_messages():
    with pytest.raises(ProtocolError, match="JSON text"):
        parse_message(b'{"type": "play"}')
    with pytest.raises(ProtocolError, match="too large"):
        parse_message(json.dumps({"type": "ping", "pad": "x" * protocol.MAX_MESSAGE_BYTES}))


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"hidden": [10_000]}, "hidden"),
        ({"hidden": [8] * 7, "activations": ["tanh"] * 7}, "hidden"),
        ({"hidden": [0]}, "hidden"),
        ({"hidden": [2.5]}, "hidden"),
        ({"hidden": "8,8"}, "hidden"),
        ({"hidden": [True, 8]}, "hidden"),
        ({"activations": ["tanh"]}, "activations"),
        ({"activations": ["softmax", "tanh"]}, "activations"),
        ({"learning_rate": "fast"}, "learning_rate"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"learning_rate": 1e9}, "learning_rate"),
        ({"learning_rate": None}, "learning_rate"),
        ({"learning_rate": True}, "learning_rate"),
        ({"batch_size": 10_000}, "batch_size"),
        ({"batch_size": 0}, "batch_size"),
        ({"samples": 10**7}, "samples"),
        ({"noise": -1}, "noise"),
        ({"noise": float("inf")}, "noise"),
        ({"train_percent": 100}, "train_percent"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**40}, "seed"),
        ({"features": []}, "features"),
        ({"features": ["x1", "x3"]}, "features"),
        ({"features": ["x1"] * 50}, "features"),
        ({"features": "x1"}, "features"),
        ({"optimizer": "lbfgs"}, "optimizer"),
        ({"optimizer": ["adam"]}, "optimizer"),
        ({"dataset": "mnist"}, "dataset"),
        ({"dataset": "plane"}, "problem"),
        ({"problem": "regression"}, "problem"),
        ({"regularization": "l3"}, "regularization"),
        ({"reg_rate": -0.1}, "reg_rate"),
        ({"schedule": "warmup"}, "schedule"),
        ({"init": "zeros"}, "init"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_config_fields_are_named(changes, field):
    with pytest.raises(ProtocolError) as error:
        parse_message(message("config", config=config(**changes)))
    assert error.value.field == field


def test_config_must_be_complete_object():
    with pytest.raises(ProtocolError, match="object"):
        validate_config([1, 2])
    partial = dict(DEFAULT_CONFIG)
    del partial["seed"]
    with pytest.raises(ProtocolError, match="seed"):
        validate_config(partial)


def test_config_normalises_features_and_numbers():
    checked = validate_config(config(features=["x1x2", "x1", "x1"], learning_rate=1, seed=3.0))
    assert checked["features"] == ["x1", "x1x2"]
    assert checked["learning_rate"] == 1.0 and checked["seed"] == 3 and isinstance(checked["seed"], int)


def test_preset_message():
    assert parse_message(message("preset", name="rings"))["name"] == "rings"
    with pytest.raises(ProtocolError, match="name"):
        parse_message(message("preset", name="imagenet"))


def test_csv_upload():
    text = "x1,x2,label\n0,0,1\n1,1,0\n-1,2,1\n3,-1,0\n"
    parsed = parse_message(message("upload", csv=text, name="mine.csv"))
    assert parsed["points"] == [(0, 0), (1, 1), (-1, 2), (3, -1)]
    assert parsed["labels"] == [1, 0, 1, 0]
    minus_one = parse_message(message("upload", csv="0,0,1\n1,1,-1\n2,2,1\n3,3,-1"))
    assert minus_one["labels"] == [1, 0, 1, 0]
    regression = parse_message(message("upload", csv="0,0,0.5\n1,1,-2\n2,2,1\n3,3,7", problem="regression"))
    assert regression["labels"] == [0.5, -2, 1, 7]


@pytest.mark.parametrize(
    "text, reason",
    [
        ("0,0,1\n1,1", "expected 3 values"),
        ("0,0,1\n1,1,0\na,b,c\n1,2,1", "not three numbers"),
        ("0,0,2\n1,1,0\n2,2,1\n3,3,0", "class label"),
        ("0,0,1\n1,1,1\n2,2,1\n3,3,1", "both classes"),
        ("0,0,1\n1,1,0", "at least 4"),
        ("0,0,1\n1,nan,0\n2,2,1\n3,3,0", "finite"),
        ("0,0,1\n" * (protocol.MAX_CSV_ROWS + 1), "rows"),
        ("1" * (protocol.MAX_CSV_BYTES + 1), "larger than"),
    ],
)
def test_bad_csv(text, reason):
    with pytest.raises(ProtocolError, match=reason):
        protocol.parse_csv(text, "classification")


def test_upload_fields_are_checked():
    with pytest.raises(ProtocolError, match="csv must be text"):
        parse_message(message("upload", csv=[1, 2, 3]))
    with pytest.raises(ProtocolError, match="problem"):
        parse_message(message("upload", csv="0,0,1", problem="ranking"))
