package vecrl.nn;

import java.util.Arrays;
import vecrl.space.Box;
import vecrl.space.Space;

/**
 * Where an image observation keeps its channels. An image space is a {@link Box#image} (uint8,
 * rank 3). Its layout follows Stable-Baselines' rule: the smallest dimension is the channel axis,
 * so [84, 84, 4] is channels-last and [4, 84, 84] channels-first; a tie counts as channels-last.
 */
public record ImageShape(int height, int width, int channels, boolean channelsFirst) {

  /** Whether {@code space} is an image: a uint8 Box of rank 3. */
  public static boolean isImage(Space<?> space) {
    return space instanceof Box b && b.isUint8() && b.shape().length == 3;
  }

  /**
   * The image layout of {@code space}.
   *
   * @throws IllegalArgumentException naming {@code who} and the space when it is not an image
   */
  public static ImageShape of(String who, Space<?> space) {
    if (!isImage(space)) {
      throw new IllegalArgumentException(who + ": observation space " + space + " is not an image; expected a uint8 Box of"
          + " shape [height, width, channels] or [channels, height, width] (Box.image)");
    }
    int[] s = ((Box) space).shape();
    boolean first = s[0] < s[2] && s[0] <= s[1];
    return first ? new ImageShape(s[1], s[2], s[0], true) : new ImageShape(s[0], s[1], s[2], false);
  }

  /** Elements of one image. */
  public int size() {
    return height * width * channels;
  }

  @Override
  public String toString() {
    return (channelsFirst ? Arrays.toString(new int[] {channels, height, width}) + " channels-first"
        : Arrays.toString(new int[] {height, width, channels}) + " channels-last");
  }
}
