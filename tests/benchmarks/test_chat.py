"""The shared chat-prompt helper and the --chat option: auto/on/off decided from the
model's template, the prompt exactly the tokenizer's apply_chat_template, what rows and
results record, and --chat reaching the benchmarks that take it."""

from __future__ import annotations

import pytest

from fairlm.benchmarks import AuditConfig
from fairlm.benchmarks._audit import build_benchmarks
from fairlm.benchmarks._chat import PromptFormat, check_chat_mode, prompt_format_summary
from fairlm.errors import FairlmError
from fairlm.models import FakeLM


class Base:
    name = "base"
    chat_template_hash = None


def test_modes_follow_the_model_template():
    fake = FakeLM()
    assert PromptFormat.choose(fake, "auto") == PromptFormat(True, "fake-chat")
    assert PromptFormat.choose(fake, "on") == PromptFormat(True, "fake-chat")
    assert PromptFormat.choose(fake, "off") == PromptFormat(False, None)
    assert PromptFormat.choose(Base(), "auto") == PromptFormat(False, None)
    with pytest.raises(FairlmError, match="'base' has no chat template"):
        PromptFormat.choose(Base(), "on")
    with pytest.raises(ValueError, match="chat must be one of auto, on, off"):
        check_chat_mode("yes")


def test_prompt_is_the_chat_template_or_the_plain_text(tiny_llama_dir):
    from transformers import AutoTokenizer

    from fairlm.models import load_model

    lm = load_model(tiny_llama_dir)
    tok = AutoTokenizer.from_pretrained(tiny_llama_dir)
    tok.chat_template = (
        "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}"
        "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
    )
    lm.tokenizer = tok
    fmt = PromptFormat.choose(lm, "auto")
    assert fmt.chat and fmt.template_hash == lm.chat_template_hash
    turns = [{"role": "system", "content": "Be fair."}, {"role": "user", "content": "Hire?"}]
    want = tok.apply_chat_template(turns, add_generation_prompt=True, tokenize=False)
    assert fmt.prompt(lm, "Hire?", plain="Q: Hire?", system="Be fair.") == want
    assert fmt.prompt(lm, "Hire?", plain="x", system="Be fair.", prefill='I say "') == (
        want + 'I say "'
    )
    assert fmt.answer_prefix == ""
    plain = PromptFormat.choose(lm, "off")
    assert plain.prompt(lm, "Hire?", plain="Q: Hire?\nA:") == "Q: Hire?\nA:"
    assert plain.answer_prefix == " "
    assert plain.record() == {"chat": False, "chat_template_hash": None}


def test_summary_table_and_note():
    rows = [{"chat": True, "chat_template_hash": "abc"}] * 2
    table, note = prompt_format_summary(rows, {"all": None})
    assert table == {"chat": True, "chat_template_hashes": ["abc"], "system_prompts": {"all": None}}
    assert "sha256 abc" in note and "the template default" in note
    table, note = prompt_format_summary([{"chat": False, "chat_template_hash": None}], {})
    assert table["chat"] is False and "plain prompts" in note
    mixed = [{"chat": False, "chat_template_hash": None}, {"chat": True, "chat_template_hash": "a"}]
    assert prompt_format_summary(mixed, {})[0]["chat"] == "mixed"


def test_the_chat_option_reaches_the_benchmarks_that_take_it():
    from fairlm.cli import build_parser

    config = AuditConfig(benchmarks="decisions,crows_pairs", chat="off")
    assert config.recorded()["chat"] == "off"
    decisions, crows = build_benchmarks(config.names(), **config.shared_options())
    assert decisions.chat == "off" and decisions.config()["chat"] == "off"
    assert not hasattr(crows, "chat")
    args = build_parser().parse_args(["audit", "--chat", "on", "--benchmarks", "bbq_chat"])
    assert args.chat == "on"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["audit", "--chat", "maybe"])
    per = AuditConfig(benchmarks="decisions", benchmark_args=["decisions.chat=on"])
    (bench,) = build_benchmarks(per.names(), per_benchmark=dict(per.benchmark_args),
                                **per.shared_options())  # fmt: skip
    assert bench.chat == "on"
