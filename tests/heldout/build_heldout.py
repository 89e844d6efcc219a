#!/usr/bin/env python3
"""Write queries.jsonl and qrels/test.tsv of the held-out set, and copy the
corpus records from tests/devset/corpus.jsonl.

The questions were written by hand from reading the answers in
corpus/deep-learning-interview-qa.txt, without running quarry on any of
them, and are never to be tuned on (see README.md). Scores: 2 = best
answer(s), 1 = also answers the question partly. Unanswerable questions
("u" ids) get no qrels lines. Standard library only.
"""
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
DEVSET = os.path.join(HERE, "..", "devset")

# (question, {corpus id: score}), grouped by the record they were written from
ANSWERABLE = [
    # 1 deep learning
    ("give me a short definition of deep learning", {1: 2, 41: 1}),
    ("which branch of machine learning uses many-layered artificial neural nets", {1: 2, 41: 2, 4: 1}),
    # 2 neural networks
    ("how is a neural network organised into layers", {2: 2, 86: 1, 58: 1}),
    ("brain-inspired computing models built from layers of nodes", {2: 2, 1: 1, 4: 1}),
    # 3 pros and cons of neural networks
    ("benefits and drawbacks of neural nets", {3: 2, 74: 1}),
    ("shortcomings of neural networks", {3: 2, 74: 1}),
    ("why do neural networks struggle with small training sets", {3: 2, 74: 1}),
    # 4 deep neural network
    ("what makes a neural network deep", {4: 2, 31: 2}),
    ("DNNs explained", {4: 2, 31: 1}),
    # 5 types of deep networks
    ("what varieties of deep learning networks are there", {5: 2}),
    ("families of deep nets", {5: 2}),
    ("main categories of deep networks, e.g. multi-layer perceptrons and recurrent ones", {5: 2, 88: 1}),
    # 6 perceptron
    ("simplest kind of artificial neural network for yes/no classification", {6: 2, 86: 1}),
    ("four parameters of a perceptron", {6: 2}),
    # 7 tools
    ("software libraries for building deep learning models", {7: 2, 65: 1}),
    ("what is DL4J", {7: 2}),
    ("deep learning toolkits other than pytorch", {7: 2}),
    # 8 backpropagation
    ("algorithm that computes the gradient of the loss with respect to each weight and moves the weights the other way", {8: 2, 27: 1}),
    ("back propagation explained", {8: 2}),
    ("backpropagaton", {8: 2}),
    # 9 overfitting
    ("model fits the noise and outliers and generalises poorly", {9: 2, 33: 1, 68: 1}),
    ("what does over-fitting mean", {9: 2, 33: 1, 63: 1}),
    # 10 DL vs ML
    ("how does deep learning differ from classical machine learning", {10: 2, 41: 1, 1: 1}),
    ("ML or DL for unstructured data like photos and audio", {10: 2}),
    # 11 CNN
    ("ConvNet for image recognition", {11: 2, 5: 1, 29: 1}),
    ("network that learns spatial hierarchies of features with convolution layers", {11: 2, 29: 2}),
    # 12 vanishing gradient
    ("why do the early layers of a deep network barely learn", {12: 2, 14: 2, 44: 1}),
    ("gradients shrinking to almost zero during backprop", {12: 2, 14: 2, 44: 2}),
    # 13 transfer learning
    ("taking a network trained on one problem and adapting it to a related one", {13: 2}),
    ("why start from a pre-trained network when you have little data", {13: 2}),
    # 14 vanishing gradient and activations
    ("can rectified linear units ease the gradient vanishing issue", {14: 2, 12: 1, 22: 1}),
    ("link between activation functions and gradients disappearing", {14: 2, 12: 1}),
    # 15 L1 vs L2
    ("lasso vs ridge penalty on the weights", {15: 2, 63: 1}),
    ("which regularisation gives sparse weights", {15: 2}),
    ("l1 versus l2 penalty", {15: 2, 63: 1, 33: 1}),
    # 16 applications
    ("real-world uses of deep learning", {16: 2}),
    ("industries where deep learning is applied, like self-driving cars", {16: 2}),
    # 17 supervised vs unsupervised
    ("learning from labelled versus unlabelled data", {17: 2, 82: 1, 88: 1}),
    ("supervised versus unsupervised ML", {17: 2}),
    # 18 dropout
    ("randomly switching off neurons while training", {18: 2, 52: 1}),
    ("drop out regularisation", {18: 2, 52: 1}),
    ("the trick where random units are ignored during training so no neuron relies on the others", {18: 2, 52: 1}),
    # 19 data analyst
    ("skills needed for a data analyst job", {19: 2}),
    ("what should I study to become a data analyst", {19: 2}),
    # 20 weight initialisation
    ("why does the way you initialise weights matter", {20: 2, 90: 1, 84: 1}),
    ("Xavier vs He initialization", {20: 2, 90: 2}),
    # 21 batch normalisation
    ("what is batchnorm", {21: 2}),
    ("reducing covariate shift inside the network", {21: 2}),
    ("normalising the inputs of each layer to speed up training", {21: 2}),
    # 22 activation functions
    ("why do neural nets need a non-linearity", {22: 2, 40: 1, 14: 1}),
    ("what does an activation function do", {22: 2, 40: 1}),
    # 23 learning rate
    ("what happens if the step size is too big or too small", {23: 2, 39: 2}),
    ("role of the lr in training", {23: 2, 39: 1, 47: 1}),
    # 24 demonstrating ML concepts
    ("how to teach the basics of machine learning with toy datasets and notebooks", {24: 2}),
    ("ways to illustrate machine learning fundamentals", {24: 2}),
    # 25 RNN
    ("neural nets for sequential data like time series", {25: 2, 44: 1, 73: 1}),
    ("where are recurrent networks used", {25: 2}),
    ("reccurent nets", {25: 2, 44: 1, 51: 1}),
    # 26 generative vs discriminative
    ("joint versus conditional probability models", {26: 2}),
    ("generative or discriminative classifier, what's the difference", {26: 2}),
    # 27 gradient descent
    ("how does gradient descent minimise the loss", {27: 2, 76: 1, 8: 1}),
    ("what is SGD", {27: 2, 76: 1}),
    ("gradiant decent", {27: 2, 76: 1}),
    # 28 analysing models
    ("how to evaluate and interpret a trained deep learning model with a confusion matrix and ROC curves", {28: 2}),
    ("learning curves and precision-recall curves for model analysis", {28: 2}),
    # 29 CNN vs feedforward
    ("convnet vs plain feed-forward network", {29: 2, 11: 1}),
    ("why are CNNs better suited than feedforward nets for grid-like input such as images", {29: 2, 11: 1}),
    # 30 hyperparameter tuning
    ("finding the best hyperparameters with grid search, random search or bayesian optimisation", {30: 2, 39: 1}),
    ("hyper-parameter optimization", {30: 2}),
    # 31 shallow vs deep
    ("shallow net compared with a deep one", {31: 2, 4: 1}),
    ("how many layers make a network deep rather than shallow", {31: 2, 4: 1}),
    # 32 softmax
    ("turning raw scores into class probabilities", {32: 2, 40: 1}),
    ("soft max for multi-class output", {32: 2, 40: 1}),
    # 33 avoiding overfitting
    ("how can I stop my model from overfitting", {33: 2, 63: 2, 18: 1, 52: 1}),
    ("ways to reduce over-fitting such as cross validation and feature selection", {33: 2, 63: 1}),
    # 34 loss function
    ("purpose of the cost function in training", {34: 2, 80: 1, 77: 1}),
    ("which loss should I use for regression", {34: 2, 77: 1}),
    # 35 attention
    ("how do models focus on the relevant parts of the input sequence", {35: 2, 50: 2}),
    ("attention in seq2seq translation", {35: 2, 50: 2}),
    # 36 curse of dimensionality
    ("problems with too many features, the data gets sparse", {36: 2}),
    ("why does high dimensional data hurt deep learning", {36: 2, 9: 1}),
    # 37 AdaBoost
    ("adaptive boosting algorithm steps", {37: 2, 66: 2}),
    ("how does adaboost reweight misclassified samples", {37: 2, 66: 1}),
    # 38 online vs batch learning
    ("updating the model after every example vs after the whole dataset", {38: 2}),
    ("learning from a stream one sample at a time versus all the data at once", {38: 2}),
    # 39 choosing a learning rate
    ("how should I pick the learning rate", {39: 2, 23: 1, 47: 1}),
    ("setting the step size for optimisation", {39: 2, 23: 2}),
    # 40 choosing an activation
    ("when to use relu and when softmax", {40: 2, 22: 1, 32: 1}),
    ("a good choice of nonlinearity for the hidden units", {40: 2, 22: 1}),
    # 41 DL vs AI
    ("deep learning versus artificial intelligence", {41: 2, 10: 1}),
    ("artificial intelligence vs DL, which one is broader", {41: 2, 10: 1}),
    # 42 weight sharing
    ("same weights applied across image positions in a convnet", {42: 2}),
    ("parameter sharing in convolutional layers", {42: 2, 83: 1}),
    # 43 padding
    ("how does zero padding change the output size of a feature map", {43: 2}),
    ("why pad images in a CNN", {43: 2, 85: 1}),
    # 44 vanishing gradient in RNNs
    ("backpropagation through time and vanishing gradients", {44: 2, 79: 1, 12: 1}),
    ("why do RNNs struggle with long-term dependencies", {44: 2, 51: 2, 73: 1, 79: 1}),
    # 45 inductive reasoning
    ("assumptions a learner makes in order to generalise", {45: 2}),
    ("generalising from specific examples in ML", {45: 2}),
    # 46 gradient clipping
    ("how to stop exploding gradients", {46: 2, 21: 1, 79: 1}),
    ("clip gradients above a threshold", {46: 2}),
    # 47 learning rate scheduler
    ("learning rate decay during training", {47: 2, 23: 1}),
    ("lr schedule vs constant learning rate", {47: 2}),
    # 48 PAC learning
    ("probably approximately correct learning pros and cons", {48: 2}),
    ("limitations of PAC learning", {48: 2}),
    # 49, 87 autoencoders
    ("encoder-decoder network that compresses its input", {49: 2, 87: 2}),
    ("auto-encoders for unsupervised learning", {49: 2, 87: 2}),
    ("autoencoders for noise reduction and data compression", {87: 2, 49: 2}),
    # 50 attention in NLP
    ("how do NLP models attend to the words of the source sentence", {50: 2, 35: 2}),
    # 51 LSTM vs RNN
    ("why are LSTMs better than vanilla RNNs", {51: 2, 73: 1, 44: 1}),
    ("memory cells and gates in lstm", {51: 2, 73: 2}),
    # 52 augmentation vs dropout
    ("data augmentation compared with dropout", {52: 2, 18: 1}),
    ("creating extra training examples by transforming the data", {52: 2}),
    # 53 GAN
    ("generator and discriminator networks", {53: 2, 78: 1}),
    ("what are GANs used for", {53: 2, 78: 1}),
    # 54 tensor concepts
    ("tensor rank, shape and data types", {54: 2, 67: 1}),
    ("what is the rank of a tensor", {54: 2, 67: 1}),
    # 55 project phases
    ("three stages of setting up a deep learning project", {55: 2}),
    ("phases for building a DL solution: define the problem, prepare the data, choose an architecture", {55: 2}),
    # 56 PCA
    ("principal component analysis", {56: 2, 82: 1}),
    ("dimensionality reduction with principal components", {56: 2, 87: 1, 82: 1}),
    # 57 autonomous learning
    ("deep learning systems that learn by themselves without human guidance", {57: 2}),
    ("autonomous learning in AI", {57: 2}),
    # 58, 59 forward propagation
    ("forward pass through a network layer by layer", {58: 2, 59: 2, 70: 1}),
    ("forward prop steps", {58: 2, 59: 2}),
    ("how does a network compute its prediction from the input", {59: 2, 58: 2}),
    # 60 Fourier transform
    ("decomposing a signal into its frequencies", {60: 2, 61: 1}),
    ("fourier transformation", {60: 2, 61: 2}),
    # 61 Fourier and deep learning
    ("fourier analysis in speech recognition and image denoising", {61: 2}),
    ("role of the frequency domain in deep learning", {61: 2, 60: 1}),
    # 62 Adam
    ("adam optimiser vs plain gradient descent", {62: 2, 27: 1}),
    ("adaptive moment estimation", {62: 2}),
    ("the optimizer that combines momentum and rmsprop", {62: 2}),
    # 63 L2 against overfitting
    ("how does penalising large weights prevent overfitting", {63: 2, 15: 2, 33: 1}),
    # 64, 66 additive learning
    ("what does additive mean in additive models", {64: 2, 66: 1}),
    ("combining many simple base models into one big model", {64: 2, 75: 1, 66: 1}),
    ("is adaboost an additive model", {66: 2, 37: 1, 64: 1}),
    # 65 TensorFlow
    ("reasons to choose tensorflow as a framework", {65: 2, 7: 1}),
    ("advantages of TF", {65: 2}),
    # 67 tensors
    ("multi-dimensional arrays in machine learning", {67: 2, 54: 1, 70: 1}),
    ("scalars, vectors and matrices as tensors", {67: 2, 54: 1}),
    # 68 model capacity
    ("a network's ability to fit complex functions", {68: 2, 81: 1}),
    ("what is the capacity of a model", {68: 2}),
    # 69, 70 computational graph
    ("graph of operations used for the forward and backward passes", {69: 2, 70: 2}),
    ("nodes and edges in a compute graph", {70: 2, 69: 2}),
    # 71, 72 leaky ReLU
    ("dead neurons that always output zero", {71: 2, 72: 2}),
    ("leaky rectified linear unit", {71: 2, 72: 2}),
    # 73 LSTM
    ("long short-term memory nets in plain English", {73: 2, 51: 2}),
    ("how does an lstm remember things over long sequences", {73: 2, 51: 2}),
    # 74 drawbacks of DL
    ("limitations of deep learning", {74: 2, 3: 1}),
    ("downsides of DL", {74: 2, 3: 1}),
    ("why is deep learning hard to interpret and expensive to train", {74: 2}),
    # 75 bagging and boosting
    ("ensemble methods: bagging vs boosting", {75: 2, 37: 1, 64: 1, 66: 1}),
    ("bootstrap aggregating", {75: 2}),
    # 76 mini-batch
    ("why train on mini batches instead of the whole dataset", {76: 2, 38: 1}),
    ("minibatch SGD advantages", {76: 2, 27: 1}),
    # 77 cross-entropy vs MSE
    ("why log loss for classification instead of squared error", {77: 2, 34: 1}),
    ("cross entropy vs mean squared error", {77: 2, 34: 1}),
    # 78 GAN popularity
    ("why are GANs so widely used", {78: 2, 53: 1}),
    ("what problems do generative adversarial nets have, like mode collapse", {78: 2, 53: 1}),
    # 79 transformers vs RNNs
    ("advantages of transformers over recurrent networks", {79: 2}),
    ("why do transformers parallelise better than RNNs", {79: 2}),
    # 80 custom loss
    ("when would I write my own loss function", {80: 2, 34: 1}),
    ("bespoke objective when some classes have far fewer examples", {80: 2}),
    # 81 bias-variance
    ("balancing underfitting and overfitting through model complexity", {81: 2, 9: 1, 68: 1}),
    ("bias/variance tradeoff for neural network weights", {81: 2}),
    # 82 unsupervised algorithms
    ("examples of clustering algorithms", {82: 2}),
    ("what is DBSCAN", {82: 2}),
    ("t-SNE", {82: 2}),
    # 83 DenseNet
    ("why does DenseNet connect every layer to all previous layers", {83: 2}),
    # 84 zero weights
    ("what happens if every weight starts at zero", {84: 2, 90: 1, 20: 1}),
    ("initialising weights to 0", {84: 2, 20: 1, 90: 1}),
    # 85 variable input size
    ("feeding images of different sizes to a convnet", {85: 2, 43: 1}),
    ("global average pooling for variable input size", {85: 2}),
    # 86 SLP vs MLP
    ("one-layer vs several-layer perceptron", {86: 2, 6: 1}),
    ("SLP vs MLP", {86: 2}),
    # 88 supervised algorithms
    ("supervised deep learning algorithms like GRU and siamese networks", {88: 2}),
    ("what are siamese networks", {88: 2}),
    # 89 swish
    ("is swish better than relu", {89: 2, 40: 1}),
    ("the activation function suggested by google researchers", {89: 2}),
    # 90 initialisation methods
    ("list of weight initialisation schemes", {90: 2, 20: 2}),
    ("glorot init for tanh layers", {90: 2, 20: 2}),
    ("random init to break symmetry", {90: 2, 84: 1}),
    # chit-chat framing around an answerable question
    ("hi! quick question: what's an LSTM?", {73: 2, 51: 2}),
    ("thanks. and what is transfer learning?", {13: 2}),
    ("could you explain what a gan is, please", {53: 2, 78: 1}),
    ("ok so what's the point of batch norm", {21: 2}),
]

# Checked against the whole document (grep for the key terms): none of these
# has an answer there.
UNANSWERABLE = [
    # chit-chat
    "hello",
    "how are you today?",
    "thanks, that's all",
    "what's your name",
    "tell me a joke",
    "are you a robot?",
    # off-topic
    "how do I boil an egg",
    "what time is it in Tokyo",
    "recommend a good sci-fi novel",
    "how tall is mount everest",
    "how do I undo the last git commit",
    "write me a haiku about autumn",
    "who painted the mona lisa",
    "how do I file my taxes",
    "how to fix a leaking tap",
    "what's the population of canada",
    "how does a car engine work",
    "how do i instal pytorch on windos",
    # off-topic, sharing a word with the corpus
    "how does batch cooking save time",
    "neural pathways in the brain after a stroke",
    "what is a kernel panic in linux",
    "gradient fill in photoshop",
    "what is the attention span of a goldfish",
    "how do I train for a marathon",
    "what is a recurrent deposit account at a bank",
    "how do convolution reverb plugins work in music production",
    # near-topic: machine learning words, no answer in the corpus
    "how do I reshape a numpy array",
    "what is a random forest",
    "explain logistic regression",
    "how does a decision tree choose where to split",
    "explain the naive bayes classifier",
    "what is a markov chain",
    "how does lightgbm handle categorical features",
    "quantizing neural network weights for mobile phones",
    "what is LoRA fine-tuning",
    "how does a large language model tokenizer work",
    "what is a vision transformer",
    "how do i use early stopping in keras",
    "how do graph databases like neo4j work",
    "what is the ResNet architecture",
    "how do I label images for object detection",
    "what learning rate does GPT-4 use",
]


def main():
    shutil.copyfile(os.path.join(DEVSET, "corpus.jsonl"), os.path.join(HERE, "corpus.jsonl"))
    os.makedirs(os.path.join(HERE, "qrels"), exist_ok=True)
    with open(os.path.join(HERE, "queries.jsonl"), "w", encoding="utf-8") as qf, \
            open(os.path.join(HERE, "qrels", "test.tsv"), "w", encoding="utf-8") as rf:
        rf.write("query-id\tcorpus-id\tscore\n")
        for i, (text, judg) in enumerate(ANSWERABLE, 1):
            qid = "q%03d" % i
            qf.write(json.dumps({"_id": qid, "text": text}, ensure_ascii=False) + "\n")
            for cid, score in sorted(judg.items(), key=lambda kv: (-kv[1], kv[0])):
                rf.write("%s\t%d\t%d\n" % (qid, cid, score))
        for i, text in enumerate(UNANSWERABLE, 1):
            qf.write(json.dumps({"_id": "u%03d" % i, "text": text}, ensure_ascii=False) + "\n")
    print("answerable %d, unanswerable %d, judgments %d"
          % (len(ANSWERABLE), len(UNANSWERABLE), sum(len(j) for _, j in ANSWERABLE)))


if __name__ == "__main__":
    main()
