package org.nntune.cli.command;

import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;
import org.nntune.nn.data.CsvEncoder;
import org.nntune.nn.data.InputEncoder;
import org.nntune.nn.data.SeriesEncoder;
import org.nntune.nn.data.TextEncoder;
import org.nntune.nn.model.Sequential;
import org.nntune.onnx.OnnxExport;
import org.nntune.onnx.OnnxExportException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        // one element per paragraph: picocli starts each element on a line of its own
        description = {"Export a saved model to another format.",
                "--onnx: an ONNX model (opset 13) with the fitted preprocessing inside; input 'input' takes the raw "
                        + "numeric features [batch, features] (a text model: int64 token ids [batch, max length]), output "
                        + "'output' gives what 'nntune predict --proba' prints (a regression model: what 'nntune predict' prints).",
                "A CSV encoder beside the model (MODEL.csv-encoder): its missing-value fill of numeric features "
                        + "(data.missing: mean, most_frequent) is in the graph (a NaN input becomes the fill value); its class "
                        + "names, feature names, fill values and fill categories go into the model's metadata; so do a text model's tokenizer and vocabulary "
                        + "(nntune.text.*), which turn raw text into the token ids."})
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model file (best.model).")
    Path modelFile;

    @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "Write an ONNX model to FILE (replaced whole, or left as it was on error).")
    Path onnx;

    @Override
    public Integer call() {
        Sequential model = PredictCommand.load(modelFile);
        Optional<InputEncoder> encoder = PredictCommand.encoder(modelFile);
        Map<String, String> meta = new LinkedHashMap<>();
        // the class names as predict finds them: the encoder's, else the .classes file tune writes beside a model of
        // bundled data (iris, digits)
        List<String> classes = encoder.map(InputEncoder::classNames).filter(c -> !c.isEmpty())
                .orElseGet(() -> PredictCommand.classNames(modelFile));
        if (!classes.isEmpty()) {
            meta.put("nntune.class_names", OnnxExport.jsonArray(classes));
        }
        encoder.ifPresent(e -> {
            if (e instanceof TextEncoder text) {
                meta.putAll(OnnxExport.textMetadata(text));
            }
            if (e instanceof SeriesEncoder series) {
                meta.put("nntune.series", "column " + series.column() + ", window " + series.window() + ", horizon " + series.horizon()
                        + (model.changeFromLastInput() ? ", target change (the graph adds the window's last value to the changes"
                        + " the network forecasts)" : ""));
            }
        });
        try {
            // like report -o and best --export: the file's folder is made when missing
            Path parent = onnx.toAbsolutePath().getParent();
            if (parent != null) {
                java.nio.file.Files.createDirectories(parent);
            }
            if (encoder.orElse(null) instanceof CsvEncoder csv) {
                OnnxExport.write(model, csv, meta, onnx); // its numeric fill values in the graph, its names in the metadata
            } else {
                OnnxExport.write(model, meta, onnx);
            }
        } catch (OnnxExportException e) {
            throw new CliException(ExitCode.OTHER, modelFile + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CliException(ExitCode.OTHER, "cannot write " + onnx + ": " + CliException.ioReason(e), e);
        }
        spec.commandLine().getOut().println("exported " + modelFile + " to " + onnx + " (ONNX, opset " + OnnxExport.OPSET + ")");
        return ExitCode.OK;
    }
}
