package org.nntune.nn.data;

/** A data set that comes as a training part and a test part (e.g. Fashion-MNIST's 60,000 + 10,000 images). */
public record TrainTest(Dataset train, Dataset test) {}
