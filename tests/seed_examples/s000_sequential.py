from minikeras.models import Sequential
from minikeras.layers import Dense
model = Sequential([Dense(2, input_dim=1), Dense(1)])
model2 = Sequential()
model2.add(Dense(2, input_dim=1))
model2.add(Dense(1))
from minikeras.layers import Input
visible = Input(shape=(2,))
hidden = Dense(2)(visible)
from minikeras.models import Model
model3 = Model(inputs=visible, outputs=hidden)
dense1 = Dense(32)
out = dense1.__call__(visible)
