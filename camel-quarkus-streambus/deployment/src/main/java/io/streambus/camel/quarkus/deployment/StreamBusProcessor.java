package io.streambus.camel.quarkus.deployment;

import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.bootstrap.classloading.QuarkusClassLoader;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.IndexDependencyBuildItem;
import io.quarkus.deployment.builditem.nativeimage.NativeImageResourcePatternsBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.RuntimeInitializedClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.RuntimeInitializedPackageBuildItem;
import io.streambus.camel.quarkus.MicrometerMetricsProducer;
import io.streambus.camel.quarkus.StreamBusComponentObserver;
import io.streambus.camel.quarkus.StreamBusReadinessCheck;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.quarkus.core.deployment.spi.CamelServiceDestination;
import org.apache.camel.quarkus.core.deployment.spi.CamelServicePatternBuildItem;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;

/**
 * The Quarkus build steps of the StreamBus Camel extension. Each step states what it registers and why; the
 * reflection and initialisation registrations matter for native images, the beans also for JVM mode.
 */
class StreamBusProcessor {

    /** Shown in Quarkus's "Installed features" line; named like every Camel Quarkus extension (camel-&lt;scheme&gt;). */
    static final String FEATURE = "camel-streambus";

    /** Types the client and the component instantiate by class name (options such as valueSerializer=...). */
    static final List<DotName> LOADED_BY_NAME = Stream.of(
            "io.streambus.client.serialization.Serializer",
            "io.streambus.client.serialization.Deserializer",
            "io.streambus.client.producer.Partitioner",
            "io.streambus.client.producer.ProducerInterceptor",
            "io.streambus.client.internal.group.assignor.PartitionAssignor",
            "io.streambus.camel.serde.StreamBusHeaderSerializer",
            "io.streambus.camel.serde.StreamBusHeaderDeserializer",
            "io.streambus.camel.StreamBusClientFactory")
            .map(DotName::createSimple).toList();

    /** Camel classes found through service files or set up by reflection (configurers, URI factory, console). */
    static final String[] CAMEL_CLASSES = {
            "io.streambus.camel.StreamBusComponent",
            "io.streambus.camel.StreamBusEndpoint",
            "io.streambus.camel.StreamBusConfiguration",
            "io.streambus.camel.StreamBusComponentConfigurer",
            "io.streambus.camel.StreamBusEndpointConfigurer",
            "io.streambus.camel.StreamBusEndpointUriFactory",
            "io.streambus.camel.StreamBusSendDynamicAware",
            "io.streambus.camel.StreamBusDevConsole",
            "io.streambus.camel.DefaultStreamBusClientFactory",
    };

    /** Netty's handler base type: Netty inspects handler methods reflectively (ChannelHandlerMask). */
    static final DotName CHANNEL_HANDLER = DotName.createSimple("io.netty.channel.ChannelHandler");

    /**
     * Classes whose static initialisers load the compression natives (JNI libraries unpacked at first use) or
     * hold them; initialised when the native image starts, not when it is built.
     */
    static final String[] RUNTIME_INITIALIZED_CLASSES = {
            "io.streambus.protocol.message.CompressionCodec",
            "io.streambus.protocol.message.Lz4FrameDecompressor",
            "net.jpountz.lz4.LZ4Factory",
            "net.jpountz.xxhash.XXHashFactory",
            "net.jpountz.util.Native",
            "org.xerial.snappy.Snappy",
            "org.xerial.snappy.SnappyLoader",
    };

    /** zstd-jni loads its library from many classes' static initialisers. */
    static final String[] RUNTIME_INITIALIZED_PACKAGES = {"com.github.luben.zstd"};

    static final String METER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";
    static final String STREAMBUS_MICROMETER = "io.streambus.micrometer.MicrometerMetricsCollector";

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    /** The client and component jars in the index, so the implementations below can be found. */
    @BuildStep
    void index(BuildProducer<IndexDependencyBuildItem> index) {
        index.produce(new IndexDependencyBuildItem("io.streambus", "streambus-transport"));
        index.produce(new IndexDependencyBuildItem("io.streambus", "camel-streambus"));
    }

    /** The metrics binding always; the Micrometer collector and the readiness check when their extension is there. */
    @BuildStep
    void beans(Capabilities capabilities, BuildProducer<AdditionalBeanBuildItem> beans) {
        beans.produce(AdditionalBeanBuildItem.unremovableOf(StreamBusComponentObserver.class));
        // Quarkus Micrometer provides the metrics capability; SmallRye Metrics does too, hence the class checks
        // (streambus-micrometer is an optional dependency the application adds).
        if (capabilities.isPresent(Capability.METRICS) && QuarkusClassLoader.isClassPresentAtRuntime(METER_REGISTRY)
                && QuarkusClassLoader.isClassPresentAtRuntime(STREAMBUS_MICROMETER)) {
            beans.produce(AdditionalBeanBuildItem.unremovableOf(MicrometerMetricsProducer.class));
        }
        if (capabilities.isPresent(Capability.SMALLRYE_HEALTH)) {
            beans.produce(AdditionalBeanBuildItem.unremovableOf(StreamBusReadinessCheck.class));
        }
    }

    /** The dev console's service file, which Camel Quarkus's default discovery patterns do not cover. */
    @BuildStep
    CamelServicePatternBuildItem devConsole() {
        return new CamelServicePatternBuildItem(CamelServiceDestination.DISCOVERY, true,
                "META-INF/services/org/apache/camel/dev-console/streambus");
    }

    @BuildStep
    void reflection(CombinedIndexBuildItem combinedIndex, BuildProducer<ReflectiveClassBuildItem> reflective) {
        IndexView index = combinedIndex.getIndex();
        reflective.produce(ReflectiveClassBuildItem.builder(CAMEL_CLASSES).constructors().methods().fields().build());
        for (DotName type : LOADED_BY_NAME) {
            String[] names = index.getAllKnownImplementations(type).stream()
                    .filter(c -> !c.isInterface() && !c.isAbstract())
                    .map(ClassInfo::name).map(DotName::toString).toArray(String[]::new);
            if (names.length > 0) {
                reflective.produce(ReflectiveClassBuildItem.builder(names).constructors().build());
            }
        }
        String[] handlers = index.getAllKnownImplementations(CHANNEL_HANDLER).stream()
                .filter(c -> c.name().toString().startsWith("io.streambus."))
                .map(ClassInfo::name).map(DotName::toString).toArray(String[]::new);
        if (handlers.length > 0) {
            reflective.produce(ReflectiveClassBuildItem.builder(handlers).methods().build());
        }
    }

    @BuildStep
    void runtimeInitialization(BuildProducer<RuntimeInitializedClassBuildItem> classes,
                               BuildProducer<RuntimeInitializedPackageBuildItem> packages) {
        for (String name : RUNTIME_INITIALIZED_CLASSES) {
            classes.produce(new RuntimeInitializedClassBuildItem(name));
        }
        for (String name : RUNTIME_INITIALIZED_PACKAGES) {
            packages.produce(new RuntimeInitializedPackageBuildItem(name));
        }
    }

    /** The JNI libraries of lz4, zstd and snappy, which their loaders read as class-path resources. */
    @BuildStep
    NativeImageResourcePatternsBuildItem compressionNatives() {
        return NativeImageResourcePatternsBuildItem.builder()
                .includeGlob("net/jpountz/util/**")
                .includeGlob("linux/**/libzstd-jni*")
                .includeGlob("darwin/**/libzstd-jni*")
                .includeGlob("org/xerial/snappy/native/**")
                .build();
    }
}
