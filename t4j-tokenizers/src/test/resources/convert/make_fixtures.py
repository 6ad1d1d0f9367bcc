"""Writes the convert/ fixtures: tiny slow-tokenizer folders (files written here, no one else's) and, beside each,
hf-tokenizer.json, the tokenizer.json that HF's convert_slow_tokenizer.py builds for it.

Run with transformers 5.17.0, tokenizers 0.23.2, sentencepiece 0.2.2 and protobuf (python make_fixtures.py, from
this folder). The converter classes of convert_slow_tokenizer.py run on a stand-in original_tokenizer with the
attributes each reads; the special tokens are then added as the v4 fast classes (PreTrainedTokenizerFast.__init__)
add them. transformers 5's own classes rebuild some pipelines differently (see ConvertParityTest), which is why the
converter classes are called directly. SentencePieceExtractor.extract changed its signature in transformers 5, so
the v4 form (the model's own piece ids, then generate_merges) is used for the BPE model.
"""
import json, os, shutil, types
import sentencepiece as spm
from sentencepiece import sentencepiece_model_pb2 as pb
import transformers.convert_slow_tokenizer as C
from tokenizers import AddedToken

HERE = os.path.dirname(os.path.abspath(__file__))


def folder(name, config):
    d = os.path.join(HERE, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
        json.dump(config, f)
    return d


def save(tok, d):
    tok.save(os.path.join(d, "hf-tokenizer.json"))


def spm_model(path, pieces, model_type, **trainer):
    m = pb.ModelProto()
    for piece, score, typ in pieces:
        p = m.pieces.add()
        p.piece, p.score, p.type = piece, score, typ
    m.trainer_spec.model_type = model_type
    for k, v in trainer.items():
        setattr(m.trainer_spec, k, v)
    m.normalizer_spec.name = "identity"
    with open(path, "wb") as f:
        f.write(m.SerializeToString())


NORMAL, UNKNOWN, CONTROL, USER_DEFINED, BYTE = 1, 2, 3, 4, 6
WORDS = [("▁hello", -1.0, NORMAL), ("▁world", -1.5, NORMAL), ("▁", -3.0, NORMAL), (",", -3.0, NORMAL)] + [
    (c, -4.0, NORMAL) for c in "helowrd"]

# BERT: vocab.txt
d = folder("bert", {"tokenizer_class": "BertTokenizer", "do_lower_case": True})
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "quick", "fox", "un", "##aff", "##able", ",", "!", "中", "文"]
with open(os.path.join(d, "vocab.txt"), "w") as f:
    f.write("".join(t + "\n" for t in vocab))
o = types.SimpleNamespace(vocab={t: i for i, t in enumerate(vocab)}, unk_token="[UNK]", cls_token="[CLS]", sep_token="[SEP]",
                          cls_token_id=2, sep_token_id=3,
                          basic_tokenizer=types.SimpleNamespace(tokenize_chinese_chars=True, strip_accents=None, do_lower_case=True))
tok = C.BertConverter(o).converted()
tok.add_tokens([AddedToken(t, special=True) for t in ["[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"]])
save(tok, d)

# RoBERTa: vocab.json + merges.txt
d = folder("roberta", {"tokenizer_class": "RobertaTokenizer"})
encoder = {t: i for i, t in enumerate(["<s>", "<pad>", "</s>", "<unk>", "H", "e", "l", "o", "Ġ", "w", "r", "d", "He", "ll",
                                        "Hell", "Hello", "Ġw", "or", "Ġwor", "ld", "Ġworld", "!", "<mask>"])}
merges = [("H", "e"), ("l", "l"), ("He", "ll"), ("Hell", "o"), ("Ġ", "w"), ("o", "r"), ("Ġw", "or"), ("l", "d"), ("Ġwor", "ld")]
with open(os.path.join(d, "vocab.json"), "w") as f:
    json.dump(encoder, f, ensure_ascii=False)
with open(os.path.join(d, "merges.txt"), "w") as f:
    f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
o = types.SimpleNamespace(encoder=encoder, bpe_ranks={m: i for i, m in enumerate(merges)}, add_prefix_space=False,
                          sep_token="</s>", sep_token_id=2, cls_token="<s>", cls_token_id=0)
tok = C.RobertaConverter(o).converted()
tok.add_tokens([AddedToken(t, special=True) for t in ["<s>", "</s>", "<unk>", "<pad>"]]
               + [AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True)])
save(tok, d)

# XLM-RoBERTa: sentencepiece.bpe.model (Unigram)
d = folder("xlm-roberta", {"tokenizer_class": "XLMRobertaTokenizer"})
model = os.path.join(d, "sentencepiece.bpe.model")
spm_model(model, [("<unk>", 0.0, UNKNOWN), ("<s>", 0.0, CONTROL), ("</s>", 0.0, CONTROL)] + WORDS, 1)
sp = spm.SentencePieceProcessor(model_file=model)
fairseq = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
o = types.SimpleNamespace(vocab_file=model, convert_tokens_to_ids=lambda t: fairseq[t])
tok = C.XLMRobertaConverter(o).converted()
mask = AddedToken("<mask>", lstrip=True, rstrip=False)  # XLMRobertaTokenizerFast: normalized (built as non-special)
mask.special = True
tok.add_tokens([AddedToken(t, special=True) for t in ["<s>", "</s>", "<unk>", "<pad>"]] + [mask])
save(tok, d)

# DeBERTa-v2/v3: spm.model (Unigram), do_lower_case and split_by_punct
d = folder("deberta-v2", {"tokenizer_class": "DebertaV2Tokenizer", "do_lower_case": True, "split_by_punct": True})
model = os.path.join(d, "spm.model")
spm_model(model, [("[PAD]", 0.0, CONTROL), ("[CLS]", 0.0, CONTROL), ("[SEP]", 0.0, CONTROL), ("[UNK]", 0.0, UNKNOWN)] + WORDS,
          1, unk_id=3)
sp = spm.SentencePieceProcessor(model_file=model)
o = types.SimpleNamespace(vocab_file=model, do_lower_case=True, split_by_punct=True, convert_tokens_to_ids=sp.piece_to_id)
tok = C.DebertaV2Converter(o).converted()
tok.add_tokens([AddedToken(t, special=True) for t in ["[CLS]", "[SEP]", "[UNK]", "[PAD]", "[MASK]"]])
save(tok, d)

# Llama: tokenizer.model (BPE with byte fallback), legacy, add_bos_token
d = folder("llama", {"tokenizer_class": "LlamaTokenizer"})
model = os.path.join(d, "tokenizer.model")
pieces = [("<unk>", 0.0, UNKNOWN), ("<s>", 0.0, CONTROL), ("</s>", 0.0, CONTROL)]
pieces += [("<0x%02X>" % b, 0.0, BYTE) for b in range(256)]
ordered = ["▁h", "ll", "▁he", "▁hell", "▁hello", "▁w", "or", "▁wor", "ld", "▁world", "▁", "h", "e", "l", "o", "w", "r", "d"]
pieces += [(p, -float(i), NORMAL) for i, p in enumerate(ordered)] + [("<|user|>", 0.0, USER_DEFINED)]
spm_model(model, pieces, 2, byte_fallback=True)
sp = spm.SentencePieceProcessor(model_file=model)


def v4_extract(self, vocab_scores=None):
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    return vocab, C.generate_merges(vocab, vocab_scores)


C.SentencePieceExtractor.extract = v4_extract
C.SentencePieceExtractor.__init__ = lambda self, model: None
o = types.SimpleNamespace(vocab_file=model, legacy=True, add_prefix_space=True, convert_ids_to_tokens=sp.id_to_piece)
tok = C.LlamaConverter(o).converted()
tok.add_tokens([AddedToken(t, special=True) for t in ["<s>", "</s>", "<unk>"]])
from tokenizers import processors  # LlamaTokenizerFast.update_post_processor, add_bos_token=True
tok.post_processor = processors.TemplateProcessing(single="<s>:0 $A:0", pair="<s>:0 $A:0 <s>:1 $B:1", special_tokens=[("<s>", 1)])
save(tok, d)
