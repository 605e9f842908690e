package vecrl.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;

/**
 * vecrl's messages as Hazelcast {@link IdentifiedDataSerializable}s (no Java serialization, no
 * reflection): each is a signed {@link Payload}, its bytes and their HMAC. The factory is registered
 * on every member ({@link Members}).
 */
final class Wire implements DataSerializableFactory {
  static final int FACTORY_ID = 0x7ec1;
  static final int SHARD_TASK = 1;
  static final int SHARD_REPLY = 2;
  // 3: the weights map's entries of earlier builds (weights now travel in the shard tasks)
  static final int SWEEP_TASK = 4;
  static final int SWEEP_REPLY = 5;
  static final int GRADIENT_TASK = 6;
  static final int GRADIENT_REPLY = 7;

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return switch (typeId) {
      case SHARD_TASK -> new ShardTask();
      case SHARD_REPLY -> new Signed(SHARD_REPLY);
      case SWEEP_TASK -> new SweepTask();
      case SWEEP_REPLY -> new Signed(SWEEP_REPLY);
      case GRADIENT_TASK -> new GradientTask();
      case GRADIENT_REPLY -> new Signed(GRADIENT_REPLY);
      default -> null;
    };
  }

  /** Signed bytes of one message type. */
  static class Signed implements IdentifiedDataSerializable {
    private int type;
    byte[] body;
    byte[] mac;

    Signed(int type) {
      this.type = type;
    }

    Signed(int type, byte[] body, Secret secret) {
      this.type = type;
      this.body = body;
      this.mac = secret.sign(body);
    }

    /** The body after checking its signature. */
    byte[] verified(Secret secret, String what) {
      secret.verify(body, mac, what);
      return body;
    }

    @Override public int getFactoryId() { return FACTORY_ID; }
    @Override public int getClassId() { return type; }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeByteArray(body);
      out.writeByteArray(mac);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      body = in.readByteArray();
      mac = in.readByteArray();
    }
  }
}
