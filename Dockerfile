# One image for every runnable of spikestream (serve, replay, bench, broker, train, eval):
# the shaded launcher jar on a JRE. Build: docker build -t spikestream:local .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# dependencies first, so that source edits reuse the cached layer
COPY pom.xml ./
COPY .mvn .mvn
COPY proto/pom.xml proto/
COPY events/pom.xml events/
COPY snn/pom.xml snn/
COPY trainer/pom.xml trainer/
COPY topics/pom.xml topics/
COPY embedded-broker/pom.xml embedded-broker/
COPY trainer-nd4j/pom.xml trainer-nd4j/
COPY trainer-cuda/pom.xml trainer-cuda/
COPY app-cli/pom.xml app-cli/
COPY trainer-cli/pom.xml trainer-cli/
COPY stream-inference/pom.xml stream-inference/
COPY event-simulator/pom.xml event-simulator/
COPY ingest/pom.xml ingest/
COPY app/pom.xml app/
COPY benchmarks/pom.xml benchmarks/
COPY gpu-package/pom.xml gpu-package/
RUN mvn -B -q dependency:go-offline -DexcludeArtifactIds=spikestream-proto,spikestream-events,spikestream-snn,spikestream-trainer,spikestream-topics,spikestream-embedded-broker,spikestream-trainer-nd4j,spikestream-trainer-cuda,spikestream-app-cli,spikestream-trainer-cli,spikestream-stream-inference,spikestream-event-simulator,spikestream-ingest || true
COPY . .
RUN mvn -B -q -DskipTests -pl app -am package

FROM eclipse-temurin:17-jre
RUN useradd --system --create-home spikestream
COPY --from=build /src/app/target/spikestream.jar /opt/spikestream/spikestream.jar
COPY models /opt/spikestream/models
USER spikestream
WORKDIR /home/spikestream
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/spikestream/spikestream.jar"]
CMD ["--help"]
