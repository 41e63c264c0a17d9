"""The sampling a reply runs with: one rule for the local and the remote engines."""

from app.core.chat.sampling import (
    NO_THINKING_DEFAULTS,
    THINKING_DEFAULTS,
    ModeSampling,
    Sampling,
    sampling_for,
)


def test_nothing_chosen_gives_qwens_defaults_for_the_mode() -> None:
    assert sampling_for(None, thinking=True) == THINKING_DEFAULTS
    assert sampling_for(None, thinking=False) == NO_THINKING_DEFAULTS


def test_per_mode_settings_follow_the_mode_the_reply_really_runs_in() -> None:
    hot = Sampling(temperature=1.1, top_p=0.9, top_k=40, min_p=0.05)
    cold = Sampling(temperature=0.1, top_p=0.5, top_k=5, min_p=0.0)
    both = ModeSampling(thinking=hot, no_thinking=cold)
    assert sampling_for(both, thinking=True) == hot
    assert sampling_for(both, thinking=False) == cold


def test_one_fixed_setting_is_used_in_either_mode() -> None:
    fixed = Sampling(temperature=0.3, top_p=0.7, top_k=10, min_p=0.1, presence_penalty=1.5)
    assert sampling_for(fixed, thinking=True) is fixed
    assert sampling_for(fixed, thinking=False) is fixed
