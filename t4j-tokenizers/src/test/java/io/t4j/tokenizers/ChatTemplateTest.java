package io.t4j.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.tokenizers.ChatTemplate.Message;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** apply_chat_template against Python Jinja2's output for the same templates and messages. */
class ChatTemplateTest {
    private static ChatTemplate template(String name) {
        try {
            return ChatTemplate.fromFile(Path.of(ChatTemplateTest.class.getResource("/chat-templates/" + name).toURI()));
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource chat-templates/" + name, e);
        }
    }

    private static final List<Message> CHAT = List.of(
            Message.user("  Hi there "),
            Message.assistant("<think>\nplan\n</think>\n\nHello!"),
            Message.user("Classify: great film"));

    @Test
    void rendersLoopsRolesConcatenationTrimNamespaceReversedLoopsAndStringMethodsAsJinja2() {
        ChatTemplate t = template("chatml-strict.jinja");
        assertThat(t.apply(CHAT, false, "<s>", "</s>")).isEqualTo(
                "<s><|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n"
                        + "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nClassify: great film<|im_end|>"
                        + "<!-- last user --></s>");
        assertThat(t.apply(CHAT, true, "<s>", "</s>")).isEqualTo(
                "<s><|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n"
                        + "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nClassify: great film<|im_end|>"
                        + "<!-- last user -->\n<|im_start|>assistant\n");
        assertThat(t.apply(List.of(Message.system("Be brief."), Message.user("Hi")), true, "<s>", "</s>")).isEqualTo(
                "<s><|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|><!-- last user -->\n"
                        + "<|im_start|>assistant\n");
    }

    @Test
    void inlineTemplateWithBosEosAndAlternationCheck() {
        ChatTemplate t = template("inst.jinja");
        assertThat(t.apply(CHAT, true, "<s>", "</s>"))
                .isEqualTo("<s>[INST] Hi there [/INST] <think>\nplan\n</think>\n\nHello!</s>[INST] Classify: great film [/INST]");
        assertThatThrownBy(() -> t.apply(List.of(Message.user("a"), Message.user("b")), true, "<s>", "</s>"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageEndingWith("inst.jinja: the chat template rejected the messages: "
                        + "Conversation roles must alternate user/assistant/user/assistant/...");
    }

    @Test
    void anUnknownRoleIsRejectedWithTheTemplatesMessage() {
        assertThatThrownBy(() -> template("chatml-strict.jinja")
                .apply(List.of(Message.user("Hi"), new Message("tool", "x")), true, "", ""))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("rejected the messages: Unsupported role 'tool': only system, user and assistant");
        assertThatThrownBy(() -> template("chatml-strict.jinja")
                .apply(List.of(Message.user("Hi"), Message.system("late")), true, "", ""))
                .hasMessageContaining("rejected the messages: The system message must come first");
    }

    @Test
    void extraVariablesReachTheTemplate() {
        ChatTemplate t = ChatTemplate.of("{% for m in messages %}{{ m.content }}{% endfor %}"
                + "{% if enable_thinking is defined and enable_thinking is false %}<nothink>{% endif %}", "inline");
        assertThat(t.apply(List.of(Message.user("q")), true, "", "", Map.of("enable_thinking", false))).isEqualTo("q<nothink>");
        assertThat(t.apply(List.of(Message.user("q")), true, "", "")).isEqualTo("q");
    }

    @Test
    void anUnrenderableTemplateIsAClearErrorNotAFallback() {
        ChatTemplate broken = ChatTemplate.of("{% for m in messages %}{{ m.content }}", "broken.jinja");
        assertThatThrownBy(() -> broken.apply(List.of(Message.user("q")), true, "", ""))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageStartingWith("broken.jinja: the chat template cannot be rendered (line 1)");
        assertThatThrownBy(() -> ChatTemplate.of("  ", "empty.jinja")).hasMessage("empty.jinja: the chat template is empty");
    }

    @Test
    void aTokenizerWithoutATemplateSaysHowToPassOne() {
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(TokenizerFixtures.tinyRoberta())) {
            assertThatThrownBy(() -> ChatTemplate.fromTokenizer(tok))
                    .isInstanceOf(ChatTemplateException.class)
                    .hasMessageContaining("the tokenizer has no chat template")
                    .hasMessageContaining("ChatTemplate.fromFile(path)")
                    .hasMessageContaining("--chat-template FILE");
        }
    }

    @Test
    void namespaceKeywordValuesAreParenthesisedForJinjava() {
        assertThat(ChatTemplate.rewriteNamespaceCalls("{% set ns = namespace(a=x|length - 1, b=f(1, 2), c==d) %}"))
                .isEqualTo("{% set ns = namespace(a=(x|length - 1), b=(f(1, 2)), c==d) %}");
    }
}
