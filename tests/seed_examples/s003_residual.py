import minikeras as keras
def residual_block(x, filters):
    shortcut = x
    x = keras.layers.Conv2D(filters, 3, padding='same')(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Conv2D(filters, 3, padding='same')(x)
    x = keras.layers.BatchNormalization()(x)
    if shortcut.shape[-1] != filters:
        shortcut = keras.layers.Conv2D(filters, 1)(shortcut)
    x = keras.layers.Add()([x, shortcut])
    x = keras.layers.ReLU()(x)
    return x
inputs = keras.Input(shape=(224, 224, 3))
x = keras.layers.Conv2D(64, 7, strides=2, padding='same')(inputs)
x = keras.layers.BatchNormalization()(x)
x = keras.layers.ReLU()(x)
x = keras.layers.MaxPooling2D()(x)
x = residual_block(x, 64)
x = residual_block(x, 128)
x = residual_block(x, 256)
x = keras.layers.GlobalAveragePooling2D()(x)
outputs = keras.layers.Dense(10, activation='softmax')(x)
model = keras.Model(inputs, outputs)
