from minikeras import ops
import minikeras as keras
from minikeras import layers
class CustomDense(layers.Layer):
  def __init__(self, units=32):
    super(CustomDense, self).__init__()
    self.units = units
  def build(self, input_shape):
    self.w = self.add_weight(shape=(input_shape[-1], self.units),
                             initializer='random_normal',
                             trainable=True)
    self.b = self.add_weight(shape=(self.units,),
                             initializer='random_normal',
                             trainable=True)
  def call(self, inputs):
    return ops.matmul(inputs, self.w) + self.b
  def get_config(self):
    return {'units': self.units}
inputs = keras.Input((4,))
outputs = CustomDense(10)(inputs)
model = keras.Model(inputs, outputs)
config = model.get_config()
new_model = keras.Model.from_config(
    config, custom_objects={'CustomDense': CustomDense})
import numpy as np
model.compile(optimizer='sgd', loss='mse')
x = np.random.rand(64, 4).astype('float32'); y = np.random.rand(64, 10).astype('float32')
before = model.evaluate(x, y, verbose=0)
model.fit(x, y, epochs=5, verbose=0)
after = model.evaluate(x, y, verbose=0)
assert after < before, (before, after)
