"""Writes conv-feature-extractor.pt, a TorchScript feature extractor, without PyTorch.

The archive is what torch.jit.save writes: TorchScript source in code/ (compiled by libtorch at
load time), the module object in data.pkl (one frozen conv weight, 8x3x3x3, stored in data/0),
constants.pkl and a format version. Forward: conv 3x3 stride 2 -> relu -> adaptive average pool
to 16x16 -> flatten, so a (N, 3, 224, 224) batch gives (N, 2048) features like a ResNet-50
without its head. Run: python3 make_fixture.py conv-feature-extractor.pt
"""
import collections, io, pickle, struct, sys, types, zipfile

def fake_module(name):
    mod = sys.modules.get(name) or types.ModuleType(name)
    sys.modules[name] = mod
    return mod

class Extractor:
    pass
Extractor.__module__, Extractor.__qualname__, Extractor.__name__ = '__torch__', 'Extractor', 'Extractor'
fake_module('__torch__').Extractor = Extractor

class FloatStorage:
    pass
FloatStorage.__module__, FloatStorage.__qualname__, FloatStorage.__name__ = 'torch', 'FloatStorage', 'FloatStorage'
fake_module('torch').FloatStorage = FloatStorage

def _rebuild_tensor_v2(*args):
    raise NotImplementedError
_rebuild_tensor_v2.__module__ = 'torch._utils'
_rebuild_tensor_v2.__qualname__ = '_rebuild_tensor_v2'
fake_module('torch._utils')._rebuild_tensor_v2 = _rebuild_tensor_v2

class StorageRef:
    def __init__(self, key, numel):
        self.key, self.numel = key, numel

class Tensor:
    def __init__(self, storage, size):
        self.storage, self.size = storage, size
    def __reduce__(self):
        stride, acc = [], 1
        for s in reversed(self.size):
            stride.insert(0, acc)
            acc *= s
        return (_rebuild_tensor_v2,
                (self.storage, 0, tuple(self.size), tuple(stride), False, collections.OrderedDict()))

class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, StorageRef):
            return ('storage', FloatStorage, obj.key, 'cpu', obj.numel)
        return None

out_channels, size = 8, (8, 3, 3, 3)
numel = 8 * 3 * 3 * 3
weights = [((i * 37) % 17 - 8) / 16.0 for i in range(numel)]
module = Extractor.__new__(Extractor)
module.__dict__['training'] = False
module.__dict__['weight'] = Tensor(StorageRef('0', numel), size)
buf = io.BytesIO()
TorchPickler(buf, protocol=2).dump(module)
code = '''class Extractor(Module):
  __parameters__ = ["weight", ]
  __buffers__ = []
  weight : Tensor
  training : bool
  def forward(self: __torch__.Extractor,
    x: Tensor) -> Tensor:
    _0 = torch.conv2d(x, self.weight, None, [2, 2], [1, 1], [1, 1], 1)
    _1 = torch.adaptive_avg_pool2d(torch.relu(_0), [16, 16])
    return torch.flatten(_1, 1)
'''
def entry(name):
    # A fixed timestamp keeps the file byte-identical from run to run.
    return zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))

with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_STORED) as z:
    z.writestr(entry('archive/data.pkl'), buf.getvalue())
    z.writestr(entry('archive/constants.pkl'), pickle.dumps((), protocol=2))
    z.writestr(entry('archive/code/__torch__.py'), code)
    z.writestr(entry('archive/data/0'), struct.pack('<%df' % numel, *weights))
    z.writestr(entry('archive/version'), '8\n')
    z.writestr(entry('archive/byteorder'), 'little')
