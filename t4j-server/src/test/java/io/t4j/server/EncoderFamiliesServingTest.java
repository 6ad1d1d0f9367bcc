package io.t4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server finds the XLM-RoBERTa and ELECTRA families through the registry: each fixture folder is served with its
 * classifier (classify) and base model (embed, hidden_size 32), found from its model_type and architectures.
 */
class EncoderFamiliesServingTest {
    @TempDir Path tmp;

    @Test
    void xlmRobertaAndElectraFoldersServeClassifyAndEmbed() throws Exception {
        for (String name : List.of("xlmr-seqcls", "electra-seqcls")) {
            Path dir = Files.createDirectories(tmp.resolve(name));
            for (String f : List.of("config.json", "model.safetensors")) {
                Files.copy(Fixture.load(name).dir().resolve(f), dir.resolve(f));
            }
            if (name.startsWith("xlmr")) {
                TinyTokenizer.writeRoberta(dir, 128, 64);
            } else {
                TinyTokenizer.writeBert(dir, 128, 64);
            }
            try (T4jServer server = T4jServer.start(ServedModel.load(dir, name, PretrainedOptions.defaults().withZeroCopy(true)),
                    ServerConfig.defaults().withAddress("127.0.0.1", 0))) {
                JsonNode m = Http.get(server.uri(), "/v1/models").json().get("data").get(0);
                assertThat(m.get("model_type").asText()).isEqualTo(name.startsWith("xlmr") ? "xlm-roberta" : "electra");
                assertThat(m.get("tasks").toString()).isEqualTo("[\"classify\",\"embed\"]");
                assertThat(m.get("classifier_pretrained").asBoolean()).isTrue();
                Http.Response classify = Http.post(server.uri(), "/v1/classify", "{\"inputs\": [\"w7 w9\", \"w40\"]}");
                assertThat(classify.status()).as(classify.body()).isEqualTo(200);
                assertThat(classify.json().size()).isEqualTo(2);
                Http.Response embed = Http.post(server.uri(), "/v1/embed", "{\"inputs\": \"w7 w9\", \"pooling\": \"cls\"}");
                assertThat(embed.status()).as(embed.body()).isEqualTo(200);
                assertThat(embed.json().get(0).size()).isEqualTo(32);
            }
        }
    }
}
