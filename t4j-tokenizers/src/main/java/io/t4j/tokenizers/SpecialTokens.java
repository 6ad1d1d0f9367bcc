package io.t4j.tokenizers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The special-token attributes of HF's {@code SpecialTokensMixin} ({@code bos_token}, {@code eos_token}, ...), as
 * strings; each is null when the tokenizer has none (BERT has no bos/eos, GPT-2 no mask).
 */
public record SpecialTokens(String bosToken, String eosToken, String unkToken, String sepToken, String padToken,
                            String clsToken, String maskToken, List<String> additionalSpecialTokens) {
    /** HF's {@code SPECIAL_TOKENS_ATTRIBUTES} order, which {@code all_special_tokens} follows. */
    public static final List<String> ATTRIBUTES =
            List.of("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token");

    public SpecialTokens {
        additionalSpecialTokens = List.copyOf(additionalSpecialTokens);
    }

    /** Builds from an attribute map ({@code "pad_token" -> "[PAD]"}); missing attributes are null. */
    static SpecialTokens of(Map<String, String> byAttribute, List<String> additional) {
        return new SpecialTokens(byAttribute.get("bos_token"), byAttribute.get("eos_token"),
                byAttribute.get("unk_token"), byAttribute.get("sep_token"), byAttribute.get("pad_token"),
                byAttribute.get("cls_token"), byAttribute.get("mask_token"), additional);
    }

    /** The attributes that are set, in HF's order, as {@code special_tokens_map.json} holds them. */
    public Map<String, String> asMap() {
        List<String> values = java.util.Arrays.asList(bosToken, eosToken, unkToken, sepToken, padToken, clsToken, maskToken);
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < ATTRIBUTES.size(); i++) {
            if (values.get(i) != null) {
                map.put(ATTRIBUTES.get(i), values.get(i));
            }
        }
        return map;
    }

    /** HF's {@code all_special_tokens}: the set attributes then the additional ones, without duplicates. */
    public List<String> all() {
        List<String> all = new ArrayList<>();
        for (String t : asMap().values()) {
            if (!all.contains(t)) {
                all.add(t);
            }
        }
        for (String t : additionalSpecialTokens) {
            if (!all.contains(t)) {
                all.add(t);
            }
        }
        return all;
    }
}
