package io.t4j.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.cli.ExitCode;
import io.t4j.cli.Json;
import io.t4j.cli.ModelResolver;
import io.t4j.cli.UserException;
import io.t4j.models.AutoModelForCausalLM;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.decoder.CausalLM;
import io.t4j.models.generation.GenerationConfig;
import io.t4j.models.generation.TextStreamer;
import io.t4j.pipelines.GeneratedText;
import io.t4j.pipelines.TextGenerationPipeline;
import io.t4j.pipelines.TextGenerationPipeline.Prompt;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.ChatTemplate;
import io.t4j.tokenizers.ChatTemplate.Message;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code t4j generate}: HF's text-generation pipeline from the command line, the seed notebook's
 * {@code pipe(messages, max_new_tokens=3, return_full_text=False, do_sample=False)}. A plain prompt, or chat messages
 * ({@code --system}/{@code --user}, or a JSON messages file) through the chat template; every generation option of
 * HF's GenerationConfig that t4j implements, over the model folder's generation_config.json; the new text streamed to
 * standard output token by token (HF's TextStreamer).
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generate text with a causal LM (Llama, Qwen2, Phi-3) from a prompt or chat messages, streaming "
                + "the new tokens to stdout as they come. Greedy unless --do-sample; the folder's generation_config.json "
                + "gives the defaults.")
public final class GenerateCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "A causal LM folder or hub repo id, e.g. Qwen/Qwen2.5-0.5B-Instruct.")
    String model;

    @Option(names = "--revision", defaultValue = "main", description = "Hub branch, tag or commit (default: ${DEFAULT-VALUE}).")
    String revision;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PROMPT",
            description = "A plain-text prompt (tokenized with the tokenizer's special tokens, no chat template). "
                    + "Without it and without messages the prompt is read from stdin.")
    String prompt;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message (chat through the template).")
    String system;

    @Option(names = "--user", paramLabel = "TEXT", description = "A user message (chat through the template).")
    String user;

    @Option(names = "--messages", paramLabel = "FILE",
            description = "A JSON file of chat messages: [{\"role\": \"system\", \"content\": ...}, {\"role\": \"user\", ...}].")
    Path messagesFile;

    @Option(names = "--chat-template", paramLabel = "FILE", description = "A Jinja chat template, if the tokenizer has none.")
    Path chatTemplate;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "Tokens to generate (default: the folder's "
            + "generation config, else HF's max_length of 20 in all).")
    Integer maxNewTokens;

    @Option(names = "--do-sample", negatable = true, description = "Sample instead of greedy decoding (default: the "
            + "folder's generation config, else greedy).")
    Boolean doSample;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature (> 0).")
    Double temperature;

    @Option(names = "--top-k", paramLabel = "K", description = "Keep the K most likely tokens when sampling (0: off).")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling, in (0, 1].")
    Double topP;

    @Option(names = "--repetition-penalty", paramLabel = "R", description = "HF's repetition penalty (> 0, 1: off).")
    Double repetitionPenalty;

    @Option(names = "--seed", paramLabel = "N", description = "Sampling seed (default: random).")
    Long seed;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop once the new text contains TEXT (HF's "
            + "stop_strings; kept in the output, as HF). Repeatable.")
    List<String> stop;

    @Option(names = "--return-full-text", description = "Print the prompt text before the new text (HF's return_full_text).")
    boolean returnFullText;

    @Option(names = "--no-stream", description = "Print the text once generation is done, not token by token.")
    boolean noStream;

    @Option(names = "--dtype", defaultValue = "bfloat16", description = "float32 or bfloat16 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Override
    public Integer call() throws IOException {
        Prompt input = prompt();
        Path dir = ModelResolver.resolve(model, revision);
        PretrainedOptions options = PretrainedOptions.defaults().withZeroCopy(true).withDtype(switch (dtype) {
            case "float32", "fp32" -> ScalarType.Float;
            case "bfloat16", "bf16" -> ScalarType.BFloat16;
            default -> throw new UserException(ExitCode.USAGE, "--dtype must be float32 or bfloat16, got '" + dtype + "'");
        });
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(dir);
             CausalLM lm = AutoModelForCausalLM.fromPretrained(dir, options)) {
            ChatTemplate template = null;
            if (input instanceof Prompt.Chat) {
                template = chatTemplate != null ? ChatTemplate.fromFile(chatTemplate) : ChatTemplate.fromTokenizer(tokenizer);
            }
            GenerationConfig config = config(GenerationConfig.fromPretrained(dir, lm.decoderConfig()));
            try (TextGenerationPipeline pipe = new TextGenerationPipeline(lm, tokenizer, template)) {
                PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
                if (noStream) {
                    out.println(pipe.generate(input, new TextGenerationPipeline.Options(config, returnFullText, null)).text());
                    return ExitCode.OK;
                }
                if (returnFullText) {
                    out.print(promptText(pipe, input));
                }
                TextStreamer streamer = new TextStreamer(pipe::decode, (row, text) -> {
                    out.print(text);
                    out.flush();
                });
                GeneratedText result = pipe.generate(input, new TextGenerationPipeline.Options(config, false, streamer));
                out.println();
                spec.commandLine().getErr().printf("t4j generate: %d prompt tokens, %d new tokens, finished by %s%n", result.promptTokens(),
                        result.newTokens(), result.finishReason().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return ExitCode.OK;
    }

    /** The text return_full_text prepends: the rendered chat, or the plain prompt. */
    private static String promptText(TextGenerationPipeline pipe, Prompt input) {
        return switch (input) {
            case Prompt.Chat c -> pipe.chatTemplate().apply(c.messages(), true, pipe.tokenizer().bosToken(),
                    pipe.tokenizer().eosToken());
            case Prompt.Text t -> t.text();
        };
    }

    /** The folder's generation config with the options given, checked as HF's GenerationConfig checks them. */
    private GenerationConfig config(GenerationConfig d) {
        try {
            return new GenerationConfig(maxNewTokens != null ? maxNewTokens : d.maxNewTokens(), d.maxLength(),
                    doSample != null ? doSample : d.doSample(), temperature != null ? temperature : d.temperature(),
                    topK != null ? topK : d.topK(), topP != null ? topP : d.topP(),
                    repetitionPenalty != null ? repetitionPenalty : d.repetitionPenalty(), d.eosTokenId(), d.padTokenId(),
                    d.bosTokenId(), stop != null ? stop : d.stopStrings(), seed != null ? seed : d.seed(), false);
        } catch (IllegalArgumentException e) {
            throw new UserException(ExitCode.USAGE, e.getMessage());
        }
    }

    /** The prompt: a plain text (argument or stdin), or chat messages (--system/--user, or --messages). */
    private Prompt prompt() throws IOException {
        boolean chat = system != null || user != null || messagesFile != null;
        if (chat && prompt != null) {
            throw new UserException(ExitCode.USAGE, "give either a plain PROMPT or chat messages (--system/--user/--messages), not both");
        }
        if (messagesFile != null && (system != null || user != null)) {
            throw new UserException(ExitCode.USAGE, "give chat messages either with --system/--user or in --messages, not both");
        }
        if (messagesFile != null) {
            return new Prompt.Chat(readMessages(messagesFile));
        }
        if (chat) {
            if (user == null) {
                throw new UserException(ExitCode.USAGE, "a chat needs a user message: --user TEXT");
            }
            List<Message> messages = new ArrayList<>();
            if (system != null) {
                messages.add(Message.system(system));
            }
            messages.add(Message.user(user));
            return new Prompt.Chat(messages);
        }
        String text = prompt != null ? prompt : new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            throw new UserException(ExitCode.DATA, "the prompt is empty: give PROMPT, --user, --messages, or text on stdin");
        }
        return new Prompt.Text(text);
    }

    /** A JSON array of {role, content} objects, each checked, errors naming the file and the index. */
    private static List<Message> readMessages(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserException(ExitCode.DATA, file + ": not a JSON messages file: " + e.getMessage());
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new UserException(ExitCode.DATA, file + ": expected a non-empty JSON array of {\"role\", \"content\"} messages");
        }
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode m = root.get(i);
            if (!m.path("role").isTextual() || !m.path("content").isTextual()) {
                throw new UserException(ExitCode.DATA, file + ": message " + i + " needs a string role and a string content, got " + m);
            }
            String role = m.get("role").asText();
            if (!List.of("system", "user", "assistant").contains(role)) {
                throw new UserException(ExitCode.DATA, file + ": message " + i + " has role '" + role
                        + "'; expected system, user or assistant");
            }
            messages.add(new Message(role, m.get("content").asText()));
        }
        return messages;
    }
}
