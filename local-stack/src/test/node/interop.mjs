// A Node.js client of the captioner topics, as a user in another language would write it, driven by
// NodeClientInteropIT. It prints one JSON object per line on stdout; the IT checks them.
//
// node interop.mjs BOOTSTRAP REGISTRY_URL IMAGE_AVSC IMAGE_PNG NODE_FIRST_PREFIX JAVA_FIRST_PREFIX
//
// 1. registers <NODE_FIRST_PREFIX>images-value from ImageEvent.avsc as written, and produces an
//    ImageEvent with it (the Java side reads and decodes it, and then publishes with the same id);
// 2. looks up <JAVA_FIRST_PREFIX>images-value, which the Java side registered, by the .avsc text,
//    and registers it again (the same id must come back);
// 3. reads the CaptionEvent the Java side produced on <NODE_FIRST_PREFIX>captions.
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';

const [bootstrap, registryUrl, avscPath, pngPath, nodeFirst, javaFirst] = process.argv.slice(2);
const out = (line) => process.stdout.write(JSON.stringify(line) + '\n');
const registry = new SchemaRegistry({ host: registryUrl });
const kafka = new Kafka({
  clientId: 'captioner-node-interop',
  brokers: bootstrap.split(','),
  logLevel: logLevel.ERROR,
});
const avsc = { type: SchemaType.AVRO, schema: readFileSync(avscPath, 'utf8') };

const { id: nodeId } = await registry.register(avsc, { subject: `${nodeFirst}images-value` });
const image = await registry.encode(nodeId, {
  imageId: 'node-img-1',
  imageBytes: readFileSync(pngPath),
  imageUri: null,
  contentType: 'image/png',
  source: 'kafkajs',
  attributes: { client: 'node' },
  eventTime: 1700000000000,
});
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: `${nodeFirst}images`, messages: [{ key: 'node-img-1', value: image }] });
await producer.disconnect();
out({ step: 'produced', schemaId: nodeId });

const foundId = await registry.getRegistryIdBySchema(`${javaFirst}images-value`, avsc);
const { id: registeredId } = await registry.register(avsc, { subject: `${javaFirst}images-value` });
out({ step: 'lookup', foundId, registeredId });

const consumer = kafka.consumer({ groupId: `captioner-node-interop-${process.pid}` });
await consumer.connect();
await consumer.subscribe({ topic: `${nodeFirst}captions`, fromBeginning: true });
await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('no CaptionEvent within 20 s')), 20000);
  consumer.run({
    eachMessage: async ({ message }) => {
      const caption = await registry.decode(message.value);
      out({
        step: 'caption',
        key: message.key.toString(),
        caption: caption.caption,
        tokens: caption.tokens,
        modelVersion: caption.modelVersion,
      });
      clearTimeout(timer);
      resolve();
    },
  }).catch(reject);
});
await consumer.disconnect();
