import minikeras as keras
from minikeras import layers
inputs = keras.Input(shape=(784,), name='img')
x = layers.Dense(64, activation='relu')(inputs)
x = layers.Dense(64, activation='relu')(x)
outputs = layers.Dense(10, activation='softmax')(x)
model = keras.Model(inputs=inputs, outputs=outputs, name='mnist_model')
model.summary()
keras.utils.plot_model(model, 'my_first_model.png')
keras.utils.plot_model(model, 'my_first_model_with_shape_info.png', show_shapes=True)
