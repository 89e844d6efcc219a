#!/usr/bin/env python3
"""Write queries.jsonl and qrels/test.tsv from the hand-written lists below.

The queries and judgments were written by hand from reading the answers in
corpus/deep-learning-interview-qa.txt, before any ranker tuning, and were not
checked against any ranker's output. Scores: 2 = best answer(s),
1 = also answers the question partially. Unanswerable queries (ids "u...")
get no qrels lines. Standard library only.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# (query text, {corpus id: score})
ANSWERABLE = [
    # 1 deep learning
    ("what is deep learning", {1: 2, 41: 1, 10: 1}),
    ("deep learning in simple words", {1: 2, 41: 1}),
    ("whats deep lerning", {1: 2, 41: 1}),
    # 2 neural network
    ("what's a neural net", {2: 2, 4: 1}),
    ("layers of a neural network input hidden output", {2: 2, 86: 1}),
    ("how are neural nets inspired by neurons in the brain", {2: 2, 1: 1, 4: 1}),
    # 3 pros / cons of neural networks
    ("pros and cons of neural networks", {3: 2, 74: 1}),
    ("and what about its disadvantages for neural nets?", {3: 2, 74: 1}),
    ("why do neural nets need so much training data", {3: 2, 74: 1}),
    # 4 deep neural network
    ("what is a DNN", {4: 2, 31: 1}),
    ("deep neural net definition", {4: 2, 31: 1}),
    # 5 types of deep networks
    ("kinds of deep neural networks", {5: 2}),
    ("different deep net architectures mlp cnn rnn", {5: 2, 88: 1}),
    ("are boltzmann machines used in deep learning", {5: 2}),
    # 6 perceptron
    ("what's a perceptron", {6: 2, 86: 1}),
    ("perceptron inputs weights bias activation", {6: 2, 86: 1}),
    ("single layer perceptron for binary classification", {6: 2, 86: 2}),
    # 7 tools
    ("popular deep learning frameworks", {7: 2}),
    ("which libraries can i use for DL? pytorch? tensorflow?", {7: 2, 65: 1}),
    ("is theano or caffe a deep learning tool", {7: 2}),
    # 8 backpropagation
    ("how does backprop work", {8: 2}),
    ("backpropogation", {8: 2}),
    ("how are weights updated using the gradient of the loss", {8: 2, 27: 2}),
    # 9 overfitting
    ("overfiting", {9: 2, 33: 1, 63: 1}),
    ("what does it mean when a model memorizes the noise in the training data", {9: 2, 33: 1}),
    ("my model does great on train data but bad on new data, why?", {9: 2, 33: 1, 63: 1}),
    # 10 DL vs ML
    ("ML vs DL", {10: 2, 1: 1, 41: 1}),
    ("machine learning vs deep learning structured vs unstructured data", {10: 2}),
    ("is deep learning a type of machine learning", {10: 2, 1: 2, 41: 1}),
    # 11 CNN
    ("CNN", {11: 2, 29: 1}),
    ("convolutinal neural network", {11: 2, 29: 1}),
    ("what are convnets used for", {11: 2, 5: 1, 29: 1}),
    ("how do cnns learn features from images", {11: 2, 29: 2}),
    # 12 / 14 / 44 vanishing gradient
    ("vanishing gradients", {12: 2, 14: 2, 44: 2, 51: 1, 73: 1}),
    ("why do the early layers barely learn in a deep network", {12: 2, 14: 2, 44: 1}),
    ("I'm training a really deep network and the weights in the first layers hardly change at all, what's going on?",
     {12: 2, 14: 2, 44: 1}),
    ("vanishing gradient problem and activation functions", {14: 2, 12: 1}),
    ("how does relu help with vanishing gradient", {14: 2, 12: 1}),
    ("vanishing gradiant in rnn", {44: 2, 51: 1, 73: 1, 79: 1, 12: 1, 14: 1}),
    ("what about RNNs, do they get the vanishing gradient issue too?", {44: 2, 51: 1, 73: 1, 79: 1}),
    # 13 transfer learning
    ("transfer learning", {13: 2}),
    ("reuse a pretrained model for a new task", {13: 2}),
    ("I only have a small labeled image dataset, can I start from a network someone already trained on a similar task instead of training from scratch?",
     {13: 2}),
    # 15 L1 vs L2
    ("l1 vs l2 regularization", {15: 2, 63: 1, 33: 1}),
    ("which regularization gives sparse weights", {15: 2}),
    ("absolute value penalty vs squared penalty on weights", {15: 2, 63: 1}),
    # 16 applications
    ("what is deep learning used for in industry", {16: 2}),
    ("real world uses of DL like self driving cars", {16: 2}),
    # 17 supervised vs unsupervised
    ("supervised vs unsupervised", {17: 2, 82: 1, 88: 1}),
    ("learning with labeled vs unlabeled data", {17: 2}),
    # 18 dropout
    ("dropout regularization", {18: 2, 52: 1}),
    ("why randomly drop neurons during training", {18: 2, 52: 1}),
    ("how does droput prevent overfitting", {18: 2, 52: 1}),
    # 19 data analyst
    ("what skills do i need to be a data analyst", {19: 2}),
    ("data analyst requirements math ml", {19: 2}),
    # 20 / 90 / 84 weight initialization
    ("weight initialization, why does it matter", {20: 2, 90: 1, 84: 1}),
    ("xavier vs he init", {20: 2, 90: 2}),
    ("glorot initialization", {90: 2, 20: 2}),
    ("weight init methods", {90: 2, 20: 2}),
    ("how should i initialize weights for relu layers", {20: 2, 90: 1}),
    # 21 batch norm
    ("batch norm", {21: 2}),
    ("batchnorm internal covariate shift", {21: 2}),
    ("normalizing each layer's inputs to speed up training", {21: 2}),
    # 22 activation functions
    ("why do we need activation functions", {22: 2, 40: 1, 14: 1}),
    ("what is the point of non-linearity in a neural net", {22: 2, 40: 1, 14: 1}),
    ("common activation functions", {22: 2, 40: 1, 86: 1, 89: 1}),
    ("relu", {22: 2, 40: 2, 14: 1, 71: 1, 72: 1}),
    # 23 / 39 learning rate
    ("what does the learning rate do", {23: 2, 39: 1}),
    ("lr too high vs too low", {23: 2, 39: 2}),
    ("training diverges when the step size is too big", {39: 2, 23: 2}),
    ("how to pick a good learning rate", {39: 2, 23: 1, 30: 1}),
    ("choosing lr", {39: 2, 23: 1}),
    # 24 demonstrating ML concepts
    ("ways to show machine learning concepts to beginners", {24: 2}),
    ("how would you demonstrate the core ideas of ML, e.g. with toy datasets or colab notebooks", {24: 2}),
    # 25 RNN
    ("RNN", {25: 2, 44: 1}),
    ("recurrent nets for sequences, what are they", {25: 2, 44: 1}),
    ("where are recurrent neural networks used", {25: 2, 5: 1}),
    # 26 generative vs discriminative
    ("generative vs discriminative models", {26: 2}),
    ("joint probability vs conditional probability models", {26: 2}),
    # 27 gradient descent
    ("gradient descent", {27: 2, 76: 1}),
    ("gradiant descent explained", {27: 2, 76: 1}),
    ("how does gradient descent minimize the loss", {27: 2}),
    ("SGD adam rmsprop", {27: 2, 62: 1}),
    # 28 analysing / evaluating models
    ("how to analyze and evaluate a trained deep learning model", {28: 2}),
    ("confusion matrix roc curve learning curves", {28: 2}),
    ("affiliated analyzing strategies", {28: 2}),
    # 29 CNN vs feedforward
    ("cnn vs feedforward network", {29: 2, 11: 1}),
    ("how is a convnet different from a plain feed-forward net", {29: 2, 11: 1}),
    # 30 hyperparameter tuning
    ("hyperparameter tuning", {30: 2}),
    ("grid search vs random search vs bayesian optimization", {30: 2, 39: 1}),
    ("how do i find the best batch size and architecture settings", {30: 2}),
    # 31 shallow vs deep
    ("shallow vs deep nn", {31: 2, 4: 1}),
    ("what makes a network deep rather than shallow", {31: 2, 4: 1}),
    # 32 / 40 softmax, choosing activations
    ("softmax", {32: 2, 40: 1}),
    ("how to turn raw scores into class probabilities for multi class", {32: 2, 40: 1}),
    ("what activation for a multi-class output layer", {40: 2, 32: 2}),
    ("when should i use relu vs softmax", {40: 2, 32: 1, 22: 1}),
    ("which activation function for hidden layers", {40: 2, 86: 1, 22: 1}),
    ("when building a classifier with many classes what should the last layer look like and which loss should i use",
     {32: 2, 40: 2, 34: 1, 77: 1}),
    # 33 / 63 avoiding overfitting
    ("how to avoid overfitting", {33: 2, 63: 2, 18: 1, 52: 1}),
    ("ways to reduce overfitting cross validation feature selection", {33: 2, 63: 1}),
    ("my model overfits, what do i do", {33: 2, 63: 2, 18: 1, 52: 1}),
    ("weight decay", {63: 2, 15: 1}),
    ("best single technique against overfitting", {63: 2, 33: 2, 18: 1, 52: 1}),
    # 34 / 77 / 80 loss functions
    ("what is a loss function for", {34: 2, 77: 1}),
    ("mse vs cross entropy, which to use", {77: 2, 34: 2}),
    ("common loss functions", {34: 2, 77: 1}),
    ("why cross entropy loss instead of mse for classification", {77: 2, 34: 1}),
    ("log loss advantages", {77: 2}),
    ("when would you write your own loss function", {80: 2, 34: 1}),
    ("loss for imbalanced classes", {80: 2, 77: 1}),
    # 35 / 50 attention
    ("attention mechanism", {35: 2, 50: 2}),
    ("how does attention work in nlp machine translation", {50: 2, 35: 2}),
    ("letting the model focus on the relevant parts of the input sequence", {35: 2, 50: 2}),
    # 36 curse of dimensionality
    ("curse of dimensionality", {36: 2}),
    ("problems with too many features in high dimensional data", {36: 2, 56: 1}),
    # 37 / 66 AdaBoost
    ("how does adaboost work", {37: 2, 66: 1}),
    ("ada boost algorithm steps", {37: 2, 66: 1}),
    ("adaboost", {37: 2, 66: 2}),
    # 38 online vs batch learning
    ("online learning vs batch learning", {38: 2}),
    ("update the model after every example or after the whole dataset", {38: 2, 76: 1}),
    # 41 DL vs AI
    ("deep learning vs artificial intelligence", {41: 2}),
    ("is AI the same thing as deep learning", {41: 2}),
    # 42 weight sharing
    ("weight sharing in cnns", {42: 2}),
    ("why do conv layers reuse the same weights at every position", {42: 2}),
    # 43 / 85 padding, input sizes
    ("what does padding do in a cnn", {43: 2, 85: 1}),
    ("zero padding and output feature map size", {43: 2}),
    ("cnn with different image sizes as input", {85: 2, 43: 1}),
    ("my images come in all kinds of resolutions, how do I feed them into a conv net", {85: 2}),
    ("variable input resolution global average pooling", {85: 2}),
    # 44 RNN sequential data
    ("how do rnns process sequential data", {44: 2, 25: 2, 73: 1}),
    ("backpropagation through time problem", {44: 2, 79: 1}),
    # 45 inductive reasoning
    ("inductive reasoning in machine learning", {45: 2}),
    ("what is inductive bias", {45: 2}),
    # 46 gradient clipping / exploding gradients
    ("gradient clipping", {46: 2}),
    ("exploding gradients, how to stop them", {46: 2, 20: 1, 21: 1, 79: 1}),
    # 47 scheduler
    ("learning rate schedule vs constant lr", {47: 2, 23: 1}),
    ("lr scheduler", {47: 2}),
    ("why decay the learning rate during training", {47: 2}),
    # 48 PAC
    ("PAC learning pros and cons", {48: 2}),
    ("probably approximately correct learning", {48: 2}),
    # 49 / 87 autoencoders
    ("autoencoder", {49: 2, 87: 2}),
    ("encoder decoder network that compresses data, unsupervised", {49: 2, 87: 2}),
    ("what are autoencoders used for", {87: 2, 49: 1}),
    ("denoising autoencoders", {87: 2, 61: 1, 49: 1}),
    # 51 / 73 LSTM
    ("why lstm instead of a vanilla rnn", {51: 2, 73: 2}),
    ("advantages of LSTM", {51: 2, 73: 1}),
    ("and how does an lstm fix the vanishing gradient thing", {51: 2, 73: 2, 44: 1}),
    ("how does an LSTM work", {73: 2, 51: 2}),
    ("lstm gates and memory cells", {73: 2, 51: 2}),
    ("long short term memory", {73: 2, 51: 2}),
    # 52 data augmentation
    ("data augmentation vs dropout", {52: 2, 18: 1}),
    ("what is data augmentation", {52: 2}),
    # 53 / 78 GANs
    ("GAN", {53: 2, 78: 1}),
    ("how do generative adversarial networks work generator discriminator", {53: 2, 78: 1}),
    ("examples of what GANs are used for", {53: 2}),
    ("why are gans so popular", {78: 2, 53: 1}),
    ("mode collapse and training instability in gans", {78: 2}),
    # 54 / 67 tensors
    ("what is a tensor", {67: 2, 54: 1}),
    ("tensor rank and shape", {54: 2, 67: 1}),
    ("tensor dtypes float32 int64", {54: 2}),
    ("scalar vector matrix tensor", {67: 2, 54: 1}),
    # 55 project phases
    ("steps to set up a deep learning project", {55: 2}),
    ("three phases of the deep learning assumption framework", {55: 2}),
    ("define the problem, preprocess data, pick a model architecture", {55: 2}),
    # 56 / 82 PCA, dimensionality reduction
    ("PCA", {56: 2, 82: 1}),
    ("principal component analysis dimensionality reduction", {56: 2, 82: 1, 87: 1}),
    ("how to reduce the number of dimensions of a dataset", {56: 2, 87: 1, 49: 1}),
    ("ok but what does PCA actually do", {56: 2}),
    # 57 autonomous learning
    ("autonomous learning", {57: 2}),
    ("can a model keep learning by itself without a human guiding it", {57: 2}),
    # 58 / 59 forward propagation
    ("forward propagation", {59: 2, 58: 2}),
    ("forward pass steps", {58: 2, 59: 1}),
    ("how does the input flow through the layers to make a prediction", {59: 2, 58: 2}),
    ("forward prop", {58: 2, 59: 2}),
    # 60 / 61 Fourier
    ("fourier transform", {60: 2, 61: 1}),
    ("FFT in deep learning for audio", {61: 2, 60: 1}),
    ("how is the fourier transform used with neural nets", {61: 2, 60: 1}),
    # 62 Adam
    ("adam optimizer", {62: 2, 27: 1}),
    ("adam vs plain gradient descent", {62: 2, 27: 1}),
    ("what is adaptive moment estimation", {62: 2}),
    # 64 / 66 / 75 additive learning, ensembles
    ("additive learning", {64: 2, 66: 1}),
    ("model built by adding up predictions of simpler base models", {64: 2, 66: 1, 75: 1}),
    ("also what's an example of additive learning", {66: 2, 64: 1}),
    ("bagging vs boosting", {75: 2, 37: 1, 66: 1}),
    ("ensemble methods", {75: 2, 66: 1, 64: 1}),
    # 65 TensorFlow
    ("why use tensorflow", {65: 2, 7: 1}),
    ("tensorflow advantages tensorboard", {65: 2}),
    # 68 / 81 capacity, bias-variance
    ("model capacity", {68: 2, 81: 1}),
    ("how complex a function can a network fit", {68: 2, 81: 1}),
    ("bias variance tradeoff", {81: 2}),
    ("bias-variance tradoff neural nets model complexity", {81: 2, 68: 1}),
    # 69 / 70 computational graph
    ("computational graph", {69: 2, 70: 2}),
    ("nodes and edges in a computation graph", {70: 2, 69: 2}),
    ("what is a compute graph used for during training", {69: 2, 70: 1}),
    # 71 / 72 leaky ReLU
    ("why use leaky relu", {71: 2, 72: 2}),
    ("dying relu problem", {71: 2, 72: 2}),
    ("leaky relu negative slope", {72: 2, 71: 1}),
    ("leaky relu vs relu", {72: 2, 71: 2}),
    # 74 drawbacks of DL
    ("disadvantages of deep learning", {74: 2, 3: 1}),
    ("why not use deep learning for everything", {74: 2, 3: 1}),
    ("limitations of DL interpretability compute", {74: 2}),
    # 76 mini-batch
    ("why mini batch gradient descent", {76: 2, 27: 1}),
    ("minibatch vs full batch gd memory", {76: 2, 38: 1}),
    # 79 transformers vs RNN
    ("transformers vs rnns", {79: 2}),
    ("why are transformers better than recurrent networks", {79: 2}),
    ("do transformers train in parallel", {79: 2}),
    # 82 / 88 algorithm examples
    ("examples of unsupervised algorithms", {82: 2, 17: 1}),
    ("k-means dbscan t-sne", {82: 2}),
    ("clustering algorithms", {82: 2}),
    ("examples of supervised learning algorithms", {88: 2, 17: 1}),
    ("siamese networks gru supervised", {88: 2}),
    # 83 DenseNet
    ("densenet", {83: 2}),
    ("feature map concatenation", {83: 2}),
    ("densely connected conv nets and accuracy", {83: 2}),
    # 84 zero init
    ("can i initialize all the weights to zero", {84: 2, 90: 1, 20: 1}),
    ("symmetry problem with zero weights", {84: 2, 90: 1}),
    # 86 SLP vs MLP
    ("single layer vs multi layer perceptron", {86: 2, 6: 1}),
    ("MLP", {86: 2, 5: 1}),
    ("what is a multilayer perceptron", {86: 2, 5: 1}),
    # 89 swish
    ("swish activation", {89: 2}),
    ("what is swish", {89: 2}),
    ("google's swish function", {89: 2}),
]

# Checked against the whole document: none of these has an answer there.
UNANSWERABLE = [
    # off-topic
    "how do I bake sourdough bread",
    "what's the capital of Peru",
    "how to change a flat tire",
    "best time of year to visit japan",
    "how do i reset my router password",
    "convert celsius to fahrenheit",
    "who won the 2018 world cup",
    "how to make cold brew coffee",
    "git rebase vs merge",
    "how do i center a div in css",
    "difference between python lists and tuples",
    "what's the weather in london tomorrow",
    "vanishing point in perspective drawing",
    "how do convolutional codes work in telecom error correction",
    "how do I batch rename files in linux",
    # near-domain: share words with the corpus, but no answer in it
    "how do I install CUDA drivers on ubuntu",
    "what GPU should I buy for training",
    "who invented the transformer",
    "how to deploy a pytorch model with docker",
    "what is reinforcement learning q-learning",
    "how many parameters does GPT-3 have",
    "how does BERT masked language model pretraining work",
    "nvidia-smi shows 0% GPU utilization during training, why",
    "how do I save and load a keras model checkpoint",
    "support vector machine kernel trick",
    "explain the YOLO object detection algorithm",
    "what is word2vec",
    "pip install tensorflow fails",
    "derivative of the sigmoid function",
    "how does beam search decoding work",
    "how do diffusion models generate images",
    "what is federated learning",
    "who is Geoffrey Hinton",
    "how to tune xgboost max_depth",
    "how do I export a model to ONNX",
    "what is a good BLEU score for machine translation",
    "how to pick k in k-means with the elbow method",
    "how many epochs should I train for",
    # added for issue 13: chit-chat and more of the kinds people type
    # chit-chat
    "hi there",
    "good morning",
    "thank you!",
    "who made you",
    "can you help me",
    "what can you do",
    "ok",
    "lol",
    # off-topic
    "how do I tie a tie",
    "what's a good name for a cat",
    "how many ounces in a cup",
    "how do I renew my passport",
    "what is the speed of light",
    "pancake recipe",
    "how do I learn to play guitar",
    "why is the sky blue",
    "how do I split a pdf into separate pages",
    "who wrote pride and prejudice",
    "what is apple's stock price",
    "how to grow tomatoes on a balcony",
    # off-topic, sharing a word with the corpus
    "what is the learning curve of vim",
    "how do I normalize a database schema",
    "how do we pool money for a group gift",
    "what is the dropout rate at US universities",
    "how does transfer pricing work for taxes",
    "what is attention deficit disorder",
    "how does the batch command work on windows",
    # near-topic: machine learning words, no answer in the corpus
    "what is a hidden markov model",
    "how does gradient checkpointing save memory",
    "how does mixed precision training work",
    "what is knowledge distillation",
    "what is contrastive learning",
    "what is the GELU activation",
    "how do graph neural networks work",
    "what is a capsule network",
    "how much RAM do I need for deep learning",
    "how does spaCy split text into tokens",
    "what is a Kalman filter",
    "how to use scikit-learn train_test_split",
    "why do LLMs hallucinate",
    "explain the lottery ticket hypothesis",
    "how do I run a jupyter notebook on a remote server",
    "how do I write a prompt for chatgpt",
    "what is sentiment analysis",
]


def main():
    qpath = os.path.join(HERE, "queries.jsonl")
    os.makedirs(os.path.join(HERE, "qrels"), exist_ok=True)
    rpath = os.path.join(HERE, "qrels", "test.tsv")
    with open(qpath, "w", encoding="utf-8") as qf, \
            open(rpath, "w", encoding="utf-8") as rf:
        rf.write("query-id\tcorpus-id\tscore\n")
        for i, (text, judg) in enumerate(ANSWERABLE, 1):
            qid = "q%03d" % i
            qf.write(json.dumps({"_id": qid, "text": text}, ensure_ascii=False) + "\n")
            for cid, score in sorted(judg.items(), key=lambda kv: (-kv[1], kv[0])):
                rf.write("%s\t%d\t%d\n" % (qid, cid, score))
        for i, text in enumerate(UNANSWERABLE, 1):
            qf.write(json.dumps({"_id": "u%03d" % i, "text": text}, ensure_ascii=False) + "\n")
    n_j = sum(len(j) for _, j in ANSWERABLE)
    print("answerable %d, unanswerable %d, judgments %d"
          % (len(ANSWERABLE), len(UNANSWERABLE), n_j))


if __name__ == "__main__":
    main()
