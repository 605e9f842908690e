package vecrl.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import vecrl.tensor.Backends;
import vecrl.tensor.KernelsProvider;

/** The provider is found by name and loads nothing of Aparapi until create(). */
final class ProviderTest {

  @Test
  void backendsListOpencl() {
    assertTrue(Backends.available().containsKey("opencl"), Backends.available().toString());
  }

  /**
   * Loads the provider in a class loader that can see this module's and the tensor module's classes
   * but not Aparapi: name() and description() must work, create() must be the first to need Aparapi.
   */
  @Test
  void providerDoesNotTouchAparapiBeforeCreate() throws Exception {
    URL gpuClasses = Path.of(OpenClKernelsProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri().toURL();
    URL tensorClasses = Path.of(KernelsProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri().toURL();
    try (URLClassLoader isolated = new URLClassLoader(new URL[] {gpuClasses, tensorClasses}, ClassLoader.getPlatformClassLoader())) {
      assertThrows(ClassNotFoundException.class, () -> isolated.loadClass("com.aparapi.Kernel"));
      Class<?> api = isolated.loadClass("vecrl.tensor.KernelsProvider");
      Object provider = null;
      for (Object p : ServiceLoader.load(api, isolated)) {
        if (p.getClass().getName().equals(OpenClKernelsProvider.class.getName())) provider = p;
      }
      assertNotNull(provider, "META-INF/services registers vecrl.gpu.OpenClKernelsProvider");
      assertEquals("opencl", api.getMethod("name").invoke(provider));
      assertTrue(((String) api.getMethod("description").invoke(provider)).contains("vecrl.opencl.device"));
      Object p = provider;
      Throwable t = assertThrows(java.lang.reflect.InvocationTargetException.class, () -> api.getMethod("create").invoke(p)).getCause();
      assertTrue(t instanceof NoClassDefFoundError && t.getMessage().contains("com/aparapi"), String.valueOf(t));
    }
  }
}
