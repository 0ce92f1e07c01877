import minikeras as keras
from minikeras import layers
def get_model():
  inputs = keras.Input(shape=(128,))
  outputs = layers.Dense(1, activation='sigmoid')(inputs)
  return keras.Model(inputs, outputs)
model1 = get_model()
model2 = get_model()
model3 = get_model()
inputs = keras.Input(shape=(128,))
y1 = model1(inputs)
y2 = model2(inputs)
y3 = model3(inputs)
outputs = layers.average([y1, y2, y3])
ensemble_model = keras.Model(inputs=inputs, outputs=outputs)
import numpy as np
x = np.random.rand(4, 128).astype('float32')
p = ensemble_model.predict(x)
ref = (model1.predict(x) + model2.predict(x) + model3.predict(x)) / 3
assert np.allclose(p, ref, atol=1e-5)
