import minikeras as keras
import numpy as np
title_input = keras.Input(shape=(100,), name='title')
body_input = keras.Input(shape=(500,), name='body')
tags_input = keras.Input(shape=(10,), name='tags')
title_features = keras.layers.Embedding(10000, 64)(title_input)
title_features = keras.layers.LSTM(128)(title_features)
body_features = keras.layers.Embedding(10000, 64)(body_input)
body_features = keras.layers.LSTM(128)(body_features)
tags_features = keras.layers.Dense(32, activation='relu')(tags_input)
x = keras.layers.concatenate([title_features, body_features, tags_features])
priority = keras.layers.Dense(1, activation='sigmoid', name='priority')(x)
department = keras.layers.Dense(4, activation='softmax', name='department')(x)
model = keras.Model(
    inputs=[title_input, body_input, tags_input],
    outputs=[priority, department]
)
model.compile(
    optimizer='adam',
    loss={
        'priority': 'binary_crossentropy',
        'department': 'categorical_crossentropy'
    },
    loss_weights={
        'priority': 1.0,
        'department': 0.5
    },
    metrics=['accuracy']
)
n = 64
title_data = np.random.randint(10000, size=(n, 100))
body_data = np.random.randint(10000, size=(n, 500))
tags_data = np.random.randint(2, size=(n, 10)).astype('float32')
priority_targets = np.random.randint(2, size=(n, 1)).astype('float32')
department_targets = keras.utils.to_categorical(np.random.randint(4, size=n), 4)
history = model.fit(
    x={'title': title_data, 'body': body_data, 'tags': tags_data},
    y={'priority': priority_targets, 'department': department_targets},
    epochs=1,
    batch_size=32
)
assert 'loss' in history.history
