package vecrl.train;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;

/**
 * Encodes an environment's state as doubles for checkpoints, and rebuilds it. Supported: boxed
 * numbers (Integer, Long, Double, Float, Short, Byte), Boolean, enums, primitive arrays (int[],
 * long[], float[], double[], boolean[]) and records whose components are any of these (nested
 * records included; primitive components of those types too). Anything else is an error naming it.
 *
 * <p>Layout, depth first in component order: a number is one double (its value; a long is its raw
 * bits, since a double cannot hold every long), a boolean is 0 or 1, an enum its ordinal, an array
 * its length and then one double per element as above. A record of primitive numbers other than
 * long is thus one double per component, the layout the checkpoints of the built-in environments
 * have always had.
 *
 * <p>Decoding follows the current state ({@code template}): the types come from it (a record
 * component's declared type), and each array must have the length the snapshot recorded, since the
 * state's shape is fixed by the environment.
 */
final class StateCodec {
  static final String SUPPORTED = "supported: numbers, booleans, enums, primitive arrays and records of these";

  private final String owner;

  /** {@code owner} names the environment in messages, e.g. "environment CartPole". */
  StateCodec(String owner) {
    this.owner = owner;
  }

  /** The doubles of {@code state}. */
  double[] encode(Object state) {
    if (state == null) throw new IllegalStateException("checkpoint: " + owner + "'s state is null");
    Out out = new Out();
    write(state, state.getClass(), null, out);
    return Arrays.copyOf(out.a, out.n);
  }

  /** The state held by {@code data[from ..]} (all of it), of the same types and array lengths as {@code template}. */
  Object decode(Object template, double[] data, int from) {
    if (template == null) throw new IllegalStateException("checkpoint: " + owner + "'s state is null");
    int[] at = {from};
    Object v = read(template, template.getClass(), null, data, at);
    if (at[0] != data.length) {
      throw new IllegalArgumentException("checkpoint: the snapshot of " + owner + "'s state has " + (data.length - from) + " values, the state needs "
          + (at[0] - from));
    }
    return v;
  }

  /** Where a value sits, for messages: a record component, or the state itself (null). */
  private record Where(Class<?> record, String component) {
    String text() {
      return "component '" + component + "' of record " + record.getName();
    }
  }

  private String at(Where w) {
    return w == null ? owner + "'s state" : owner + "'s state: " + w.text();
  }

  private IllegalStateException unsupported(Class<?> type, Where w) {
    String what = w == null ? owner + "'s state has type " + type.getName() : at(w) + " has type " + type.getName();
    return new IllegalStateException("checkpoint: " + what + ", which the snapshot cannot copy; " + SUPPORTED);
  }

  private void write(Object v, Class<?> type, Where w, Out out) {
    if (v == null) throw new IllegalStateException("checkpoint: " + at(w) + " is null, expected a value");
    if (type == double.class || type == Double.class) out.add((Double) v);
    else if (type == long.class || type == Long.class) out.add(Double.longBitsToDouble((Long) v));
    else if (type == int.class || type == Integer.class || type == float.class || type == Float.class || type == short.class
        || type == Short.class || type == byte.class || type == Byte.class) out.add(((Number) v).doubleValue());
    else if (type == boolean.class || type == Boolean.class) out.add((Boolean) v ? 1 : 0);
    else if (type.isEnum()) out.add(((Enum<?>) v).ordinal());
    else if (type.isArray()) writeArray(v, type, w, out);
    else if (type.isRecord()) {
      RecordComponent[] comps = type.getRecordComponents();
      accessible(type, comps);
      for (RecordComponent c : comps) {
        Object x;
        try {
          x = c.getAccessor().invoke(v);
        } catch (IllegalAccessException | InvocationTargetException e) {
          throw new IllegalStateException("checkpoint: cannot read " + new Where(type, c.getName()).text() + " of " + owner + "'s state: " + e, e);
        }
        write(x, c.getType(), new Where(type, c.getName()), out);
      }
    } else if (v instanceof Enum<?> e) {
      out.add(e.ordinal()); // a constant with a body: its class is a subclass of the enum
    } else {
      throw unsupported(type, w);
    }
  }

  private void writeArray(Object v, Class<?> type, Where w, Out out) {
    switch (v) {
      case int[] a -> { out.add(a.length); for (int x : a) out.add(x); }
      case long[] a -> { out.add(a.length); for (long x : a) out.add(Double.longBitsToDouble(x)); }
      case float[] a -> { out.add(a.length); for (float x : a) out.add(x); }
      case double[] a -> { out.add(a.length); for (double x : a) out.add(x); }
      case boolean[] a -> { out.add(a.length); for (boolean x : a) out.add(x ? 1 : 0); }
      default -> throw unsupported(type, w);
    }
  }

  private Object read(Object template, Class<?> type, Where w, double[] d, int[] at) {
    if (template == null) throw new IllegalStateException("checkpoint: " + at(w) + " is null, expected a value");
    if (type.isRecord()) return readRecord(template, type, d, at);
    if (type.isArray()) return readArray(template, type, w, d, at);
    if (!type.isEnum() && !(template instanceof Enum<?>) && !isScalar(type)) throw unsupported(type, w);
    double x = next(d, at, w);
    if (type == double.class || type == Double.class) return x;
    if (type == long.class || type == Long.class) return Double.doubleToRawLongBits(x);
    if (type == int.class || type == Integer.class) return (int) x;
    if (type == float.class || type == Float.class) return (float) x;
    if (type == short.class || type == Short.class) return (short) x;
    if (type == byte.class || type == Byte.class) return (byte) x;
    if (type == boolean.class || type == Boolean.class) return x != 0;
    Class<?> enumType = type.isEnum() ? type : ((Enum<?>) template).getDeclaringClass();
    Object[] constants = enumType.getEnumConstants();
    if (!(x >= 0 && x < constants.length && x == Math.rint(x))) {
      throw new IllegalArgumentException("checkpoint: " + at(w) + ": ordinal " + x + " in the snapshot, but enum " + enumType.getName() + " has "
          + constants.length + " constants");
    }
    return constants[(int) x];
  }

  private static boolean isScalar(Class<?> t) {
    return t == double.class || t == Double.class || t == long.class || t == Long.class || t == int.class || t == Integer.class
        || t == float.class || t == Float.class || t == short.class || t == Short.class || t == byte.class || t == Byte.class
        || t == boolean.class || t == Boolean.class;
  }

  private Object readRecord(Object template, Class<?> type, double[] d, int[] at) {
    RecordComponent[] comps = type.getRecordComponents();
    Constructor<?> ctor = accessible(type, comps);
    Object[] args = new Object[comps.length];
    for (int i = 0; i < comps.length; i++) {
      Where w = new Where(type, comps[i].getName());
      Object x;
      try {
        x = comps[i].getAccessor().invoke(template);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("checkpoint: cannot read " + w.text() + " of " + owner + "'s state: " + e, e);
      }
      args[i] = read(x, comps[i].getType(), w, d, at);
    }
    try {
      return ctor.newInstance(args);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException("checkpoint: cannot rebuild " + owner + "'s state: the constructor of record " + type.getName()
          + " rejected the snapshot's values: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("checkpoint: cannot rebuild " + owner + "'s state record " + type.getName() + ": " + e, e);
    }
  }

  private Object readArray(Object template, Class<?> type, Where w, double[] d, int[] at) {
    int now = java.lang.reflect.Array.getLength(template);
    if (!(template instanceof int[] || template instanceof long[] || template instanceof float[] || template instanceof double[]
        || template instanceof boolean[])) {
      throw unsupported(type, w);
    }
    double saved = next(d, at, w);
    if (saved != now) {
      throw new IllegalArgumentException("checkpoint: " + at(w) + " is an array of " + now + " elements now but of " + (long) saved
          + " in the snapshot; a resumable environment's arrays keep their length");
    }
    if (d.length - at[0] < now) {
      throw new IllegalArgumentException("checkpoint: the snapshot of " + owner + "'s state ends inside " + (w == null ? "the state" : w.text()));
    }
    int o = at[0];
    at[0] += now;
    switch (template) {
      case int[] a -> { int[] r = new int[now]; for (int i = 0; i < now; i++) r[i] = (int) d[o + i]; return r; }
      case long[] a -> { long[] r = new long[now]; for (int i = 0; i < now; i++) r[i] = Double.doubleToRawLongBits(d[o + i]); return r; }
      case float[] a -> { float[] r = new float[now]; for (int i = 0; i < now; i++) r[i] = (float) d[o + i]; return r; }
      case double[] a -> { return Arrays.copyOfRange(d, o, o + now); }
      default -> { boolean[] r = new boolean[now]; for (int i = 0; i < now; i++) r[i] = d[o + i] != 0; return r; }
    }
  }

  private double next(double[] d, int[] at, Where w) {
    if (at[0] >= d.length) {
      throw new IllegalArgumentException("checkpoint: the snapshot of " + owner + "'s state ends before " + (w == null ? "the state" : w.text()));
    }
    return d[at[0]++];
  }

  /**
   * The canonical constructor of record {@code type}, with it and the accessors made accessible;
   * when that is refused, an error saying the record is not public.
   */
  private Constructor<?> accessible(Class<?> type, RecordComponent[] comps) {
    Class<?>[] types = new Class<?>[comps.length];
    for (int i = 0; i < comps.length; i++) types[i] = comps[i].getType();
    try {
      Constructor<?> ctor = type.getDeclaredConstructor(types);
      open(ctor);
      for (RecordComponent c : comps) open(c.getAccessor());
      return ctor;
    } catch (RuntimeException e) {
      boolean isPublic = Modifier.isPublic(type.getModifiers());
      throw new IllegalStateException("checkpoint: " + owner + "'s state record " + type.getName() + " is " + (isPublic ? "not accessible" : "not public")
          + ": a resumable environment needs a public record (or a number) as its state", e);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("checkpoint: record " + type.getName() + " of " + owner + "'s state has no canonical constructor", e);
    }
  }

  /** Makes {@code o} accessible; throws InaccessibleObjectException (or SecurityException) when refused. */
  private static void open(AccessibleObject o) {
    o.setAccessible(true);
  }

  /** A growable double array. */
  private static final class Out {
    double[] a = new double[8];
    int n;

    void add(double x) {
      if (n == a.length) a = Arrays.copyOf(a, 2 * n);
      a[n++] = x;
    }
  }
}
